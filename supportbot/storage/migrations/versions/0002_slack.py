"""slack: processed events (dedupe) and button state

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "processed_events",
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_processed_events_claimed_at", "processed_events", ["claimed_at"])
    op.create_table(
        "slack_interactions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("requester", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
    )
    op.create_index("ix_slack_interactions_expires_at", "slack_interactions", ["expires_at"])


def downgrade() -> None:
    op.drop_table("slack_interactions")
    op.drop_table("processed_events")
