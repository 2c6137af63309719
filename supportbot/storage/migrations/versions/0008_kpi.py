"""kpi: SLA clocks and CSAT on interactions, the weekly QA sample and its reviews

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)
_COLUMNS = (
    ("csat_at", _WHEN),
    ("csat_by", sa.String(200)),
    ("first_response_due_at", _WHEN),
    ("resolution_due_at", _WHEN),
    ("sla_first_response", sa.String(16)),
    ("sla_resolution", sa.String(16)),
    ("first_response_s", sa.Float()),
    ("resolution_s", sa.Float()),
    ("reopened_at", _WHEN),
)


def upgrade() -> None:
    with op.batch_alter_table("record_interactions") as batch:
        for name, kind in _COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    # The KPIs and the QA sample read the interactions closed in a period, per agent.
    op.create_index(
        "ix_record_interactions_closed_at", "record_interactions", ["closed_at", "agent_id"]
    )
    op.create_table(
        "qa_samples",
        sa.Column("week", sa.String(10), primary_key=True),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("drawn_at", _WHEN, nullable=False),
        sa.Column("drawn_by", sa.String(200), nullable=False),
        sa.Column("goal", sa.Integer(), nullable=False),
    )
    op.create_table(
        "qa_reviews",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("week", sa.String(10), nullable=False),
        sa.Column("interaction_ref", sa.String(16), nullable=False),
        sa.Column("agent_id", sa.String(200), nullable=False),
        sa.Column("agent_name", sa.String(200), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("reviewer_id", sa.String(200), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reviewed_at", _WHEN, nullable=True),
        sa.Column("acknowledged_at", _WHEN, nullable=True),
        sa.UniqueConstraint("week", "interaction_ref", name="uq_qa_reviews_week_interaction"),
    )
    op.create_index("ix_qa_reviews_reviewer", "qa_reviews", ["reviewer_id", "reviewed_at"])
    op.create_index("ix_qa_reviews_agent", "qa_reviews", ["agent_id", "week"])


def downgrade() -> None:
    op.drop_index("ix_qa_reviews_agent", table_name="qa_reviews")
    op.drop_index("ix_qa_reviews_reviewer", table_name="qa_reviews")
    op.drop_table("qa_reviews")
    op.drop_table("qa_samples")
    op.drop_index("ix_record_interactions_closed_at", table_name="record_interactions")
    with op.batch_alter_table("record_interactions") as batch:
        for name, _ in reversed(_COLUMNS):
            batch.drop_column(name)
