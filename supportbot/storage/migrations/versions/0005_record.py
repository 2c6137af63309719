"""record: interactions, tags (and leads' own), notes, phone aliases and the timeline

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "record_interactions",
        sa.Column("ref", sa.String(16), primary_key=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("merchant_id", sa.String(64), nullable=True),
        sa.Column("contact", sa.String(320), nullable=True),
        sa.Column("contact_kind", sa.String(16), nullable=True),
        sa.Column("agent_id", sa.String(200), nullable=False),
        sa.Column("agent_name", sa.String(200), nullable=False),
        _when("opened_at"),
        _when("first_reply_at", True),
        _when("closed_at", True),
        sa.Column("closed_by", sa.String(200), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("mood", sa.String(16), nullable=True),
        sa.Column("csat", sa.Integer(), nullable=True),
        sa.Column("conversation_link", sa.Text(), nullable=True),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("request_id", sa.String(64), nullable=True),
    )
    op.create_index("ix_record_interactions_opened_at", "record_interactions", ["opened_at"])
    op.create_index(
        "ix_record_interactions_merchant_opened",
        "record_interactions",
        ["merchant_id", "opened_at"],
    )
    op.create_index(
        "ix_record_interactions_agent_closed", "record_interactions", ["agent_id", "closed_at"]
    )
    op.create_index("ix_record_interactions_external_id", "record_interactions", ["external_id"])

    op.create_table(
        "record_tags",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("tag", sa.String(100), nullable=False),
        sa.Column("merchant_id", sa.String(64), nullable=True),
        sa.Column("interaction_ref", sa.String(16), nullable=True),
        _when("added_at"),
        sa.Column("added_by", sa.String(200), nullable=False),
        _when("removed_at", True),
        sa.Column("removed_by", sa.String(200), nullable=True),
    )
    op.create_index("ix_record_tags_tag_added", "record_tags", ["tag", "added_at"])
    op.create_index("ix_record_tags_merchant_tag", "record_tags", ["merchant_id", "tag"])
    op.create_index("ix_record_tags_interaction", "record_tags", ["interaction_ref"])

    op.create_table(
        "record_custom_tags",
        sa.Column("tag", sa.String(100), primary_key=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(200), nullable=False),
        _when("added_at"),
    )
    op.create_table(
        "record_notes",
        sa.Column("ref", sa.String(16), primary_key=True),
        sa.Column("merchant_id", sa.String(64), nullable=True),
        sa.Column("interaction_ref", sa.String(16), nullable=True),
        sa.Column("author_id", sa.String(200), nullable=False),
        sa.Column("author_name", sa.String(200), nullable=False),
        _when("at"),
        sa.Column("text", sa.Text(), nullable=False),
        _when("retracted_at", True),
        sa.Column("retracted_by", sa.String(200), nullable=True),
    )
    op.create_index("ix_record_notes_merchant_at", "record_notes", ["merchant_id", "at"])
    op.create_index("ix_record_notes_interaction", "record_notes", ["interaction_ref"])

    op.create_table(
        "record_aliases",
        sa.Column("phone", sa.String(32), primary_key=True),
        sa.Column("merchant_id", sa.String(64), nullable=False),
        sa.Column("saved_by", sa.String(200), nullable=False),
        sa.Column("saved_by_name", sa.String(200), nullable=False),
        _when("saved_at"),
        sa.Column("request_id", sa.String(64), nullable=True),
    )
    op.create_index("ix_record_aliases_merchant_id", "record_aliases", ["merchant_id"])

    op.create_table(
        "record_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("event_key", sa.String(96), nullable=False),
        sa.Column("merchant_id", sa.String(64), nullable=False),
        _when("at"),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor_id", sa.String(200), nullable=False),
        sa.Column("actor_name", sa.String(200), nullable=False),
        sa.Column("interaction_ref", sa.String(16), nullable=True),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Column("tag", sa.String(100), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.UniqueConstraint("event_key", name="uq_record_events_event_key"),
    )
    op.create_index("ix_record_events_merchant_at", "record_events", ["merchant_id", "at", "id"])
    op.create_index("ix_record_events_request_id", "record_events", ["request_id"])
    op.create_index("ix_record_events_interaction", "record_events", ["interaction_ref"])
    op.create_index("ix_record_events_kind_at", "record_events", ["kind", "at"])


def downgrade() -> None:
    for table in (
        "record_events",
        "record_aliases",
        "record_notes",
        "record_custom_tags",
        "record_tags",
        "record_interactions",
    ):
        op.drop_table(table)
