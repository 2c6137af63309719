"""The audit trail: one record per command run, written through the write path (group commit,
spooled while the database is away), read through bounded reads."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ._models import AuditRecord
from .changes import Insert
from .reads import Reader
from .sanitize import clean_text, field_values, sanitized_row, stored_as
from .writer import Writer

__all__ = ["AuditEntry", "AuditLog"]

AUDIT: Table = AuditRecord.__table__  # type: ignore[assignment]
#: What identifies a record: one per command run.
AUDIT_KEY = ("request_id",)


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
    if entry.at.tzinfo is None:
        raise ValueError("AuditEntry.at must be timezone-aware, e.g. datetime.now(UTC)")
    return sanitized_row(AUDIT, field_values(entry), keys=AUDIT_KEY)


class AuditLog:
    """Writes and reads audit records. Reached as `store.audit`."""

    def __init__(self, read: Reader, writer: Writer) -> None:
        self._read = read
        self._writer = writer

    async def record(self, entry: AuditEntry) -> None:
        """Store one entry; returns once it is durable (committed with the next group, or in
        the spool while the database is away). Text is made storable (see `sanitize`).

        A second entry with the same `request_id` raises `sqlalchemy.exc.IntegrityError`.
        """
        await self._writer.write(Insert(AUDIT, _row(entry), AUDIT_KEY))

    async def get(self, request_id: str) -> AuditEntry | None:
        """The entry with this request id (the error reference users see), or None."""
        statement = select(AuditRecord).where(AuditRecord.request_id == clean_text(request_id))

        async def read(session: AsyncSession) -> AuditEntry | None:
            record = await session.scalar(statement)
            return AuditEntry.from_record(record) if record else None

        return await self._read(read)

    async def query(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        command: str | None = None,
        outcome: str | None = None,
        user: str | None = None,
        target: str | None = None,
        request_id: str | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """Entries matching every given filter, newest first, at most `limit` of them.

        `since` is inclusive and `until` exclusive (both timezone-aware); `user` is a user id or
        a user name; `target` is the masked customer reference as stored; `request_id` is the
        error reference users are shown.
        """
        if limit < 0:
            raise ValueError("limit must be 0 or more")
        statement = select(AuditRecord)
        if since is not None:
            statement = statement.where(AuditRecord.at >= since)
        if until is not None:
            statement = statement.where(AuditRecord.at < until)
        if command is not None:
            statement = statement.where(
                AuditRecord.command == stored_as(AuditRecord.command, command)
            )
        if outcome is not None:
            statement = statement.where(
                AuditRecord.outcome == stored_as(AuditRecord.outcome, outcome)
            )
        if user is not None:
            # An id (U0123ABCD, terminal:ani) or the name shown in the table (ani).
            statement = statement.where(
                (AuditRecord.user_id == stored_as(AuditRecord.user_id, user))
                | (AuditRecord.user_name == stored_as(AuditRecord.user_name, user))
            )
        if target is not None:
            statement = statement.where(AuditRecord.target == stored_as(AuditRecord.target, target))
        if request_id is not None:
            statement = statement.where(
                AuditRecord.request_id == stored_as(AuditRecord.request_id, request_id)
            )
        statement = statement.order_by(AuditRecord.at.desc(), AuditRecord.id.desc()).limit(limit)

        async def read(session: AsyncSession) -> list[AuditEntry]:
            records = (await session.scalars(statement)).all()
            return [AuditEntry.from_record(record) for record in records]

        return await self._read(read)

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

        async def read(session: AsyncSession) -> int:
            return int(await session.scalar(statement) or 0)

        return await self._read(read)

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
        statement = statement.offset(n - 1).limit(1)

        async def read(session: AsyncSession) -> datetime | None:
            at: datetime | None = await session.scalar(statement)
            return at

        return await self._read(read)


def _matching(
    statement: Select[Any],
    user_id: str | None,
    command: str | None,
    since: datetime | None,
    outcomes: Collection[str] | None,
) -> Select[Any]:
    """`statement` narrowed to the entries matching the given filters (text cleaned as it was
    when stored)."""
    if user_id is not None:
        statement = statement.where(AuditRecord.user_id == stored_as(AuditRecord.user_id, user_id))
    if command is not None:
        statement = statement.where(AuditRecord.command == stored_as(AuditRecord.command, command))
    if since is not None:
        statement = statement.where(AuditRecord.at >= since)
    if outcomes is not None:
        statement = statement.where(AuditRecord.outcome.in_(list(outcomes)))
    return statement
