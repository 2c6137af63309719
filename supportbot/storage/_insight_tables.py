"""Tables of the stats and schedules: leases (one replica runs each scheduled job) and the
per-minute rollups of service calls (what `/stats services` reads).

Stats of commands, interactions and KPIs are queries over the audit trail and the support
record; only what exists nowhere else gets a table here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ._models import AuditRecord, Base, UTCDateTime

__all__ = ["AUDIT_PERIOD_INDEX", "Lease", "ServiceCallRollup"]

#: `/stats commands` and time saved read a period of the audit trail by command and outcome:
#: this index covers them (no visit to the table). Declared here, not on AuditRecord, so the
#: audit model stays as it was; migration 0007 creates it.
AUDIT_PERIOD_INDEX = Index(
    "ix_audit_records_period",
    AuditRecord.at,
    AuditRecord.command,
    AuditRecord.outcome,
    AuditRecord.duration_ms,
    AuditRecord.target,
)


class Lease(Base):
    """Who runs a named job now (`qa-sample`, `daily-share`), until when.

    A holder renews its lease before it expires; once it has expired any replica may take it.
    Taking and renewing are conditional writes, so the database decides who holds it.
    """

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: How many times the lease changed hands (a fencing number: a job can say which term ran it).
    term: Mapped[int] = mapped_column(Integer, default=1)
    #: The last period the job finished ("2026-W49"), whoever held the lease then: a new
    #: holder does not run that period again.
    done: Mapped[str | None] = mapped_column(String(100))


class ServiceCallRollup(Base):
    """The calls one process made to one service in one minute: counts and a latency histogram.

    Each process flushes its own rows (`replica` tells them apart), so replicas never contend;
    the stats add them up. `buckets[i]` counts the calls that took at most
    `SERVICE_BUCKETS[i]` seconds (and more than the bucket before); the last counts the rest.
    """

    __tablename__ = "service_call_rollups"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    minute: Mapped[datetime] = mapped_column(UTCDateTime())
    replica: Mapped[str] = mapped_column(String(200))
    service: Mapped[str] = mapped_column(String(100))
    calls: Mapped[int] = mapped_column(Integer)
    errors: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)
    buckets: Mapped[list[int]] = mapped_column(JSON)
    #: A random id per flush: replaying a spooled flush writes it once.
    flush_id: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_service_call_rollups_minute", "minute", "service"),
        Index("uq_service_call_rollups_flush", "flush_id", "service", "minute", unique=True),
    )
