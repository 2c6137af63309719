"""The tables, as SQLAlchemy 2 typed models. Alembic migrations create them; a test keeps the
two in step."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = ["AuditRecord", "Base"]


class Base(DeclarativeBase):
    """Base of every supportbot table."""


class AuditRecord(Base):
    """One command run: who, where, what (arguments masked), how it ended, how long it took."""

    __tablename__ = "audit_records"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
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
        Index("ix_audit_records_at", "at"),
        Index("ix_audit_records_command", "command"),
        Index("ix_audit_records_outcome", "outcome"),
        Index("ix_audit_records_user_id", "user_id"),
        Index("ix_audit_records_target", "target"),
    )
