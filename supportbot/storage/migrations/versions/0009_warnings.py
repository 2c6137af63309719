"""warnings: early warnings with their reports, and the daily share

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "early_warnings",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("tag", sa.String(100), nullable=True),
        sa.Column("open_tag", sa.String(100), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("opened_by", sa.String(200), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(100), nullable=True),
        sa.Column("message_ts", sa.String(64), nullable=True),
        sa.UniqueConstraint("open_tag", name="uq_early_warnings_open_tag"),
    )
    op.create_index("ix_early_warnings_tag", "early_warnings", ["tag", "last_at"])
    op.create_table(
        "early_warning_reports",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("warning_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.UniqueConstraint("request_id", name="uq_early_warning_reports_request_id"),
    )
    op.create_index(
        "ix_early_warning_reports_warning_id", "early_warning_reports", ["warning_id", "at"]
    )
    op.create_table(
        "daily_shares",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("interaction_ref", sa.String(16), nullable=False),
        sa.Column("merchant_id", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(100), nullable=True),
        sa.Column("message_ts", sa.String(64), nullable=True),
    )
    op.create_index("ix_daily_shares_merchant_id", "daily_shares", ["merchant_id", "day"])


def downgrade() -> None:
    op.drop_index("ix_daily_shares_merchant_id", table_name="daily_shares")
    op.drop_table("daily_shares")
    op.drop_index("ix_early_warning_reports_warning_id", table_name="early_warning_reports")
    op.drop_table("early_warning_reports")
    op.drop_index("ix_early_warnings_tag", table_name="early_warnings")
    op.drop_table("early_warnings")
