"""audit records

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_records",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("adapter", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(200), nullable=True),
        sa.Column("command", sa.String(100), nullable=True),
        sa.Column("arguments", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("service_errors", sa.JSON(), nullable=True),
        sa.Column("target", sa.String(200), nullable=True),
        sa.UniqueConstraint("request_id", name="uq_audit_records_request_id"),
    )
    op.create_index("ix_audit_records_at", "audit_records", ["at"])
    op.create_index("ix_audit_records_command", "audit_records", ["command"])
    op.create_index("ix_audit_records_outcome", "audit_records", ["outcome"])
    op.create_index("ix_audit_records_user_id", "audit_records", ["user_id"])
    op.create_index("ix_audit_records_target", "audit_records", ["target"])


def downgrade() -> None:
    op.drop_table("audit_records")
