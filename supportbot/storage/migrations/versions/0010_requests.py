"""requests: feature requests (R-n), each merchant's ask, and the notices that they shipped

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "feature_requests",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("tag", sa.String(100), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("opened_by", sa.String(200), nullable=False),
        sa.Column("opened_at", _WHEN, nullable=False),
        sa.Column("shipped_by", sa.String(200), nullable=True),
        sa.Column("shipped_at", _WHEN, nullable=True),
        sa.Column("ship_note", sa.Text(), nullable=False),
    )
    op.create_index("ix_feature_requests_status_tag", "feature_requests", ["status", "tag"])
    op.create_table(
        "feature_request_asks",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", _WHEN, nullable=False),
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.UniqueConstraint("run_id", name="uq_feature_request_asks_run_id"),
    )
    op.create_index(
        "ix_feature_request_asks_request", "feature_request_asks", ["request_id", "merchant_id"]
    )
    op.create_index("ix_feature_request_asks_merchant", "feature_request_asks", ["merchant_id"])
    op.create_table(
        "feature_request_notices",
        sa.Column("request_id", sa.Integer(), primary_key=True),
        sa.Column("merchant_id", sa.String(64), primary_key=True),
        sa.Column("snippet_key", sa.String(120), primary_key=True),
        sa.Column("snippet_version", sa.Integer(), primary_key=True),
        sa.Column("idempotency_key", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(10), nullable=True),
        sa.Column("destination", sa.String(200), nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("claimed_at", _WHEN, nullable=False),
        sa.Column("finished_at", _WHEN, nullable=True),
    )
    op.create_index(
        "ix_feature_request_notices_merchant_id", "feature_request_notices", ["merchant_id"]
    )


def downgrade() -> None:
    op.drop_table("feature_request_notices")
    op.drop_table("feature_request_asks")
    op.drop_table("feature_requests")
