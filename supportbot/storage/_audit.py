"""The audit trail: one record per command run, written in its own short transaction."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ._models import AuditRecord

__all__ = ["AuditEntry", "AuditLog", "write_csv"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _clean(text: str | None) -> str | None:
    # PostgreSQL refuses NUL in text; it carries no meaning here, so it is the one thing dropped.
    return text.replace("\x00", "") if text is not None else None


@dataclass
class AuditEntry:
    """What the audit trail holds about one run. `arguments` must already be masked."""

    request_id: str
    user_id: str
    adapter: str
    outcome: str
    duration_ms: float
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    user_name: str = ""
    channel: str | None = None
    command: str | None = None
    arguments: str = ""
    error: str | None = None
    service_errors: list[dict[str, Any]] | None = None
    target: str | None = None

    @classmethod
    def from_record(cls, record: AuditRecord) -> AuditEntry:
        """The entry of a stored row; times always come back timezone-aware (UTC)."""
        values = {f.name: getattr(record, f.name) for f in fields(cls)}
        at = values["at"]
        values["at"] = at if at.tzinfo else at.replace(tzinfo=UTC)
        return cls(**values)


class AuditLog:
    """Writes and reads audit records. Reached as `store.audit`."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def record(self, entry: AuditEntry) -> None:
        """Store one entry (one INSERT, one transaction)."""
        values = asdict(entry)
        for key in ("user_id", "user_name", "channel", "command", "arguments", "error", "target"):
            values[key] = _clean(values[key])
        async with self._sessions.begin() as session:
            session.add(AuditRecord(**values))

    async def get(self, request_id: str) -> AuditEntry | None:
        """The entry with this request id (the error reference users see), or None."""
        async with self._sessions() as session:
            record = await session.scalar(
                select(AuditRecord).where(AuditRecord.request_id == request_id)
            )
            return AuditEntry.from_record(record) if record else None

    async def query(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        command: str | None = None,
        outcome: str | None = None,
        user: str | None = None,
        target: str | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """Entries matching every given filter, newest first."""
        statement = select(AuditRecord)
        if since is not None:
            statement = statement.where(AuditRecord.at >= since)
        if until is not None:
            statement = statement.where(AuditRecord.at < until)
        if command is not None:
            statement = statement.where(AuditRecord.command == command)
        if outcome is not None:
            statement = statement.where(AuditRecord.outcome == outcome)
        if user is not None:
            statement = statement.where(AuditRecord.user_id == user)
        if target is not None:
            statement = statement.where(AuditRecord.target == target)
        statement = statement.order_by(AuditRecord.at.desc(), AuditRecord.id.desc()).limit(limit)
        async with self._sessions() as session:
            records = (await session.scalars(statement)).all()
            return [AuditEntry.from_record(record) for record in records]


CSV_COLUMNS = [
    "at",
    "request_id",
    "user_id",
    "user_name",
    "adapter",
    "channel",
    "command",
    "arguments",
    "target",
    "outcome",
    "duration_ms",
    "service_errors",
    "error",
]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        value = " ".join(f"{item.get('service')}:{item.get('kind')}" for item in value)
    text = str(value)
    # A cell starting like a formula would run in a spreadsheet: defuse it.
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(entries: Iterable[AuditEntry], file: TextIO) -> None:
    """Write entries as CSV with a header row; safe to open in a spreadsheet."""
    writer = csv.writer(file)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow([_cell(getattr(entry, column)) for column in CSV_COLUMNS])
