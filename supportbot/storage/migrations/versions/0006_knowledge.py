"""knowledge: snippets (every version), their uses, known issues, status history, links, notices

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "snippets",
        sa.Column("key", sa.String(120), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("asks", sa.JSON(), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
    )
    op.create_index("ix_snippets_created_at", "snippets", ["created_at"])
    op.create_table(
        "snippet_uses",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("key", sa.String(120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("merchant_id", sa.String(64), nullable=True),
        sa.Column("interaction_id", sa.String(64), nullable=True),
        sa.Column("at", _WHEN, nullable=False),
        sa.UniqueConstraint("request_id", name="uq_snippet_uses_request_id"),
    )
    op.create_index("ix_snippet_uses_key", "snippet_uses", ["key"])
    op.create_index("ix_snippet_uses_interaction_id", "snippet_uses", ["interaction_id"])
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("workaround", sa.Text(), nullable=False),
        sa.Column("snippet_key", sa.String(120), nullable=True),
        sa.Column("services", sa.JSON(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=True),
        sa.Column("match", sa.JSON(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("opened_by", sa.String(200), nullable=False),
        sa.Column("opened_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.Column("status_message", sa.JSON(), nullable=True),
    )
    op.create_index("ix_incidents_status", "incidents", ["status"])
    op.create_table(
        "incident_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("at", _WHEN, nullable=False),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=True),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_index("ix_incident_events_incident_id", "incident_events", ["incident_id", "at"])
    op.create_table(
        "incident_links",
        sa.Column("incident_id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("ref", sa.String(64), primary_key=True),
        sa.Column("by", sa.String(200), nullable=False),
        sa.Column("at", _WHEN, nullable=False),
    )
    op.create_index("ix_incident_links_ref", "incident_links", ["kind", "ref"])
    op.create_table(
        "incident_notices",
        sa.Column("incident_id", sa.Integer(), primary_key=True),
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
    op.create_index("ix_incident_notices_merchant_id", "incident_notices", ["merchant_id"])


def downgrade() -> None:
    op.drop_index("ix_incident_notices_merchant_id", table_name="incident_notices")
    op.drop_table("incident_notices")
    op.drop_index("ix_incident_links_ref", table_name="incident_links")
    op.drop_table("incident_links")
    op.drop_index("ix_incident_events_incident_id", table_name="incident_events")
    op.drop_table("incident_events")
    op.drop_index("ix_incidents_status", table_name="incidents")
    op.drop_table("incidents")
    op.drop_index("ix_snippet_uses_interaction_id", table_name="snippet_uses")
    op.drop_index("ix_snippet_uses_key", table_name="snippet_uses")
    op.drop_table("snippet_uses")
    op.drop_index("ix_snippets_created_at", table_name="snippets")
    op.drop_table("snippets")
