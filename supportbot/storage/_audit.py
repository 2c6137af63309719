"""The audit trail: one record per command run, written in its own short transaction."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, String, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ._models import AuditRecord

__all__ = ["AuditEntry", "AuditLog"]

# Characters that would cost the whole record: PostgreSQL refuses NUL in text (it carries nothing
# here, so it is dropped: "a\0b" reads back as "ab"), and no driver can encode a lone surrogate
# (what undecodable bytes become), which reads back as U+FFFD, the replacement character.
_SURROGATES = re.compile("[\ud800-\udfff]")


def _clean(text: str) -> str:
    return _SURROGATES.sub("\ufffd", text.replace("\x00", ""))


def _cleaned(value: Any) -> Any:
    """`value` with every string inside it cleaned (lists and dicts of JSON included)."""
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    if isinstance(value, dict):
        return {_clean(str(key)): _cleaned(item) for key, item in value.items()}
    return value


# Longer text in a bounded column would make PostgreSQL refuse the row (SQLite would keep it):
# cut it to the column's size instead, on both, so the record is kept and reads back the same.
_LIMITS = {
    column.name: column.type.length
    for column in AuditRecord.__table__.columns
    if isinstance(column.type, String) and column.type.length
}
# ...except the request id, which must stay unique: one too long is the caller's bug.
_REQUEST_ID_MAX = _LIMITS.pop("request_id")


@dataclass(frozen=True, kw_only=True)
class AuditEntry:
    """What the audit trail holds about one command run.

    `arguments` and `target` must already be masked: the store never sees raw personal data.
    `at` must be timezone-aware; it reads back in UTC. Text the database cannot hold is made
    storable on write: NUL characters are dropped, bounded fields are cut to their column size.
    """

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
        """The entry of a stored row."""
        return cls(**{f.name: getattr(record, f.name) for f in fields(cls)})


def _row(entry: AuditEntry) -> dict[str, Any]:
    if not entry.request_id or len(entry.request_id) > _REQUEST_ID_MAX:
        raise ValueError(f"request_id must have 1 to {_REQUEST_ID_MAX} characters")
    if entry.at.tzinfo is None:
        raise ValueError("AuditEntry.at must be timezone-aware, e.g. datetime.now(UTC)")
    values: dict[str, Any] = _cleaned(asdict(entry))
    for name, limit in _LIMITS.items():
        if values[name] is not None:
            values[name] = values[name][:limit]
    return values


class AuditLog:
    """Writes and reads audit records. Reached as `store.audit`."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def record(self, entry: AuditEntry) -> None:
        """Store one entry: one INSERT in its own transaction.

        A second entry with the same `request_id` raises `sqlalchemy.exc.IntegrityError`.
        """
        values = _row(entry)
        async with self._sessions.begin() as session:
            await session.execute(insert(AuditRecord).values(values))

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
        """Entries matching every given filter, newest first, at most `limit` of them.

        `since` is inclusive and `until` exclusive (both timezone-aware); `user` is a user id or
        a user name;
        `target` is the masked customer reference as stored.
        """
        if limit < 0:
            raise ValueError("limit must be 0 or more")
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
            # An id (U0123ABCD, terminal:ani) or the name shown in the table (ani).
            statement = statement.where(
                (AuditRecord.user_id == user) | (AuditRecord.user_name == user)
            )
        if target is not None:
            statement = statement.where(AuditRecord.target == target)
        statement = statement.order_by(AuditRecord.at.desc(), AuditRecord.id.desc()).limit(limit)
        async with self._sessions() as session:
            records = (await session.scalars(statement)).all()
            return [AuditEntry.from_record(record) for record in records]

    async def count(
        self,
        *,
        user_id: str | None = None,
        command: str | None = None,
        since: datetime | None = None,
        outcomes: Collection[str] | None = None,
    ) -> int:
        """How many entries match every given filter (`since` inclusive, timezone-aware;
        `outcomes`: any of these; an empty collection matches nothing). One COUNT query."""
        statement = _matching(
            select(func.count()).select_from(AuditRecord), user_id, command, since, outcomes
        )
        async with self._sessions() as session:
            return int(await session.scalar(statement) or 0)

    async def nth_newest_at(
        self,
        n: int,
        *,
        user_id: str | None = None,
        command: str | None = None,
        since: datetime | None = None,
        outcomes: Collection[str] | None = None,
    ) -> datetime | None:
        """When the `n`-th newest entry matching the filters (as in `count`) was made; None when
        fewer match. The rate limit uses it to say when a run is allowed again."""
        if n < 1:
            raise ValueError("n must be 1 or more")
        statement = _matching(select(AuditRecord.at), user_id, command, since, outcomes)
        statement = statement.order_by(AuditRecord.at.desc(), AuditRecord.id.desc())
        async with self._sessions() as session:
            at: datetime | None = await session.scalar(statement.offset(n - 1).limit(1))
            return at


def _matching(
    statement: Select[Any],
    user_id: str | None,
    command: str | None,
    since: datetime | None,
    outcomes: Collection[str] | None,
) -> Select[Any]:
    """`statement` narrowed to the entries matching the given filters."""
    if user_id is not None:
        statement = statement.where(AuditRecord.user_id == user_id)
    if command is not None:
        statement = statement.where(AuditRecord.command == command)
    if since is not None:
        statement = statement.where(AuditRecord.at >= since)
    if outcomes is not None:
        statement = statement.where(AuditRecord.outcome.in_(list(outcomes)))
    return statement
