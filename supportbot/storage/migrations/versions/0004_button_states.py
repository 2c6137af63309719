"""button_states: the table of button state, named for what it holds rather than its first adapter

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_slack_interactions_expires_at", table_name="slack_interactions")
    op.rename_table("slack_interactions", "button_states")
    op.create_index("ix_button_states_expires_at", "button_states", ["expires_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX slack_interactions_pkey RENAME TO button_states_pkey")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX button_states_pkey RENAME TO slack_interactions_pkey")
    op.drop_index("ix_button_states_expires_at", table_name="button_states")
    op.rename_table("button_states", "slack_interactions")
    op.create_index("ix_slack_interactions_expires_at", "slack_interactions", ["expires_at"])
