"""The tables, as SQLAlchemy 2 typed models. Alembic migrations create them; a test keeps the
two in step."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Dialect, Float, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = ["AuditRecord", "Base", "UTCDateTime"]


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime that goes in and comes out in UTC, on every database.

    SQLite has no time zones: SQLAlchemy would store an aware time's wall clock and drop its
    offset, so 10:00+07:00 would read back as 10:00 UTC. PostgreSQL hands times back in the
    session's zone. Both are normalized here; a naive datetime is refused, not guessed at.
    The column is a plain `DateTime(timezone=True)`, so migrations need nothing special.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: give a timezone-aware time (UTC)")
        value = value.astimezone(UTC)
        # SQLite keeps text: store UTC without an offset so that text order is time order.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base of every supportbot table."""


class AuditRecord(Base):
    """One command run: who, where, what (arguments masked), how it ended, how long it took."""

    __tablename__ = "audit_records"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[str] = mapped_column(String(200))
    user_name: Mapped[str] = mapped_column(String(200), default="")
    adapter: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str | None] = mapped_column(String(200))
    command: Mapped[str | None] = mapped_column(String(100))
    arguments: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(32))
    duration_ms: Mapped[float] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)
    service_errors: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    target: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        UniqueConstraint("request_id", name="uq_audit_records_request_id"),
        # PostgreSQL: /stats commands reads a week of runs from this index alone (migration 0012)
        Index(
            "ix_audit_records_at",
            "at",
            postgresql_include=["command", "outcome", "duration_ms", "target"],
        ),
        Index("ix_audit_records_command", "command"),
        Index("ix_audit_records_outcome", "outcome"),
        Index("ix_audit_records_user_id", "user_id"),
        Index("ix_audit_records_target", "target"),
    )
