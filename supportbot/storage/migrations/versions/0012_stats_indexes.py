"""stats_indexes: the indexes that keep /stats and the dashboard under 200 ms at a year of a
large team's record (bench/stats_scale.py)

- record_tags.added_at: /stats tags reads the period's tags, not every tag ever put on.
- audit_records.at on PostgreSQL INCLUDEs what /stats commands reads (command, outcome,
  duration_ms, target), so a week of runs is read from the index alone. Rebuilding it blocks
  audit writes for a few seconds per million rows (the write path holds them meanwhile).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

AUDIT_AT_INCLUDES = ["command", "outcome", "duration_ms", "target"]


def upgrade() -> None:
    op.create_index("ix_record_tags_added_at", "record_tags", ["added_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_audit_records_at", table_name="audit_records")
        op.create_index(
            "ix_audit_records_at",
            "audit_records",
            ["at"],
            postgresql_include=AUDIT_AT_INCLUDES,
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_audit_records_at", table_name="audit_records")
        op.create_index("ix_audit_records_at", "audit_records", ["at"])
    op.drop_index("ix_record_tags_added_at", table_name="record_tags")
