"""actions: pending confirmations, the exactly-once ledger of runs, escalations

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_actions",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("idempotency_key", sa.String(64), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("command", sa.String(100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("user_email", sa.String(320), nullable=True),
        sa.Column("user_groups", sa.JSON(), nullable=True),
        sa.Column("adapter", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(200), nullable=True),
        sa.Column("approval_role", sa.String(100), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_pending_actions_expires_at", "pending_actions", ["expires_at"])
    op.create_index("ix_pending_actions_state", "pending_actions", ["state"])
    op.create_table(
        "action_runs",
        sa.Column("idempotency_key", sa.String(64), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("command", sa.String(100), nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("approved_by", sa.String(200), nullable=True),
        sa.Column("arguments", sa.Text(), nullable=False),
        sa.Column("target", sa.String(200), nullable=True),
        sa.Column("adapter", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(200), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_action_runs_fingerprint", "action_runs", ["fingerprint"])
    op.create_index(
        "ix_action_runs_user_command", "action_runs", ["user_id", "command", "started_at"]
    )
    op.create_index("ix_action_runs_target", "action_runs", ["target"])
    op.create_index("ix_action_runs_started_at", "action_runs", ["started_at"])
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("command", sa.String(100), nullable=True),
        sa.Column("escalated_by", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("destination", sa.String(200), nullable=False),
        sa.Column("delivered", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
    )
    op.create_index("ix_escalations_request_id", "escalations", ["request_id"])


def downgrade() -> None:
    op.drop_table("escalations")
    op.drop_table("action_runs")
    op.drop_table("pending_actions")
