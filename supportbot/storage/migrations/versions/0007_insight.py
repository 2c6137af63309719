"""insight: leases for scheduled jobs, per-minute rollups of service calls

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leases",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("term", sa.Integer(), nullable=False),
        sa.Column("done", sa.String(100), nullable=True),
    )
    op.create_table(
        "service_call_rollups",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("minute", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replica", sa.String(200), nullable=False),
        sa.Column("service", sa.String(100), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("buckets", sa.JSON(), nullable=False),
        sa.Column("flush_id", sa.String(64), nullable=False),
    )
    op.create_index("ix_service_call_rollups_minute", "service_call_rollups", ["minute", "service"])
    op.create_index(
        "uq_service_call_rollups_flush",
        "service_call_rollups",
        ["flush_id", "service", "minute"],
        unique=True,
    )
    # /stats commands and time saved read a period of the audit trail by time, command and
    # outcome; this index answers them without touching the table's other columns.
    op.create_index(
        "ix_audit_records_period",
        "audit_records",
        ["at", "command", "outcome", "duration_ms", "target"],
    )


def downgrade() -> None:
    op.drop_index("ix_audit_records_period", table_name="audit_records")
    op.drop_index("uq_service_call_rollups_flush", table_name="service_call_rollups")
    op.drop_index("ix_service_call_rollups_minute", table_name="service_call_rollups")
    op.drop_table("service_call_rollups")
    op.drop_table("leases")
