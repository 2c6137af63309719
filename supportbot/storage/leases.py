"""Leases: exactly one replica runs a scheduled job, decided by the shared database.

    grant = await store.leases.acquire("qa-sample", holder, ttl=timedelta(minutes=2))
    if grant:                      # this process holds it until grant.expires_at
        if not await store.leases.is_done("qa-sample", "2026-W49"):
            ...                    # the week's work
            await store.leases.mark_done("qa-sample", holder, "2026-W49")

Taking or renewing is one conditional UPDATE (the row's holder is us, or its lease has expired),
else one INSERT of a new row; the database serialises them, so two replicas never both win.
Each change of hands increases `term`, which a job can log as its fencing number. Clocks of the
replicas must agree to well within `ttl` (NTP does; a minute or more is the usual ttl).

Every write is a job of the one write path; while the database is away `acquire` raises
StorageUnavailable, which a scheduler treats as "not ours this time".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Table, case, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from ._insight_tables import Lease
from .changes import insert_statement
from .reads import Reader
from .sanitize import clean_text
from .writer import Writer

__all__ = ["LeaseGrant", "Leases"]

LEASES: Table = Lease.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class LeaseGrant:
    """A lease this process holds: until when, and its term (one more at each change of hands)."""

    name: str
    holder: str
    term: int
    expires_at: datetime


def _key(value: str, what: str, limit: int) -> str:
    value = clean_text(value)
    if not value or len(value) > limit:
        raise ValueError(f"a lease {what} must have 1 to {limit} characters")
    return value


class Leases:
    """Named leases in the shared database. Reached as `store.leases`."""

    def __init__(self, read: Reader, writer: Writer) -> None:
        self._read = read
        self._writer = writer

    async def acquire(
        self, name: str, holder: str, *, ttl: timedelta, now: datetime | None = None
    ) -> LeaseGrant | None:
        """Take `name` for `holder`, or renew it when `holder` has it; the grant, or None when
        another holder's lease has not expired. `now` (timezone-aware) is for tests."""
        if ttl <= timedelta(0):
            raise ValueError("a lease's ttl must be positive")
        name, holder = _key(name, "name", 100), _key(holder, "holder", 200)
        at = now or datetime.now(UTC)
        until = at + ttl
        ours = Lease.holder == holder
        renew = (
            update(Lease)
            .where(Lease.name == name, or_(ours, Lease.expires_at <= at))
            .values(
                holder=holder,
                expires_at=until,
                acquired_at=case((ours, Lease.acquired_at), else_=at),
                term=case((ours, Lease.term), else_=Lease.term + 1),
            )
        )
        term_now = select(Lease.term).where(Lease.name == name, Lease.holder == holder)
        row = {"name": name, "holder": holder, "acquired_at": at, "expires_at": until, "term": 1}

        async def take(connection: AsyncConnection) -> LeaseGrant | None:
            if (await connection.execute(renew)).rowcount == 1:
                term = int((await connection.scalar(term_now)) or 1)
                return LeaseGrant(name, holder, term, until)
            try:
                async with connection.begin_nested():
                    await connection.execute(insert_statement(LEASES), row)
            except IntegrityError:
                return None  # someone else holds it (or took it this instant)
            return LeaseGrant(name, holder, 1, until)

        return await self._writer.run(take)

    async def release(self, name: str, holder: str) -> bool:
        """Give `name` up at once, if `holder` holds it (True); another replica may take it then."""
        name, holder = _key(name, "name", 100), _key(holder, "holder", 200)
        now = datetime.now(UTC)
        statement = (
            update(Lease)
            .where(Lease.name == name, Lease.holder == holder, Lease.expires_at > now)
            .values(expires_at=now)
        )

        async def give_up(connection: AsyncConnection) -> bool:
            return bool((await connection.execute(statement)).rowcount)

        return await self._writer.run(give_up)

    async def mark_done(self, name: str, holder: str, period: str) -> bool:
        """Record that `period` of job `name` is finished; False (nothing recorded) when
        `holder` no longer holds the lease: its work may have been done twice, which the caller
        should log."""
        name, holder = _key(name, "name", 100), _key(holder, "holder", 200)
        statement = (
            update(Lease)
            .where(Lease.name == name, Lease.holder == holder)
            .values(done=_key(period, "period", 100))
        )

        async def record(connection: AsyncConnection) -> bool:
            return bool((await connection.execute(statement)).rowcount)

        return await self._writer.run(record)

    async def is_done(self, name: str, period: str) -> bool:
        """Whether job `name` has finished `period` (see `mark_done`)."""
        statement = select(Lease.done).where(Lease.name == clean_text(name))

        async def read(session: AsyncSession) -> bool:
            return (await session.scalar(statement)) == clean_text(period)

        return await self._read(read)

    async def holder(self, name: str, *, now: datetime | None = None) -> LeaseGrant | None:
        """Who holds `name` now (None: nobody, or the lease has expired)."""
        at = now or datetime.now(UTC)
        statement = select(Lease).where(Lease.name == clean_text(name), Lease.expires_at > at)

        async def read(session: AsyncSession) -> LeaseGrant | None:
            lease = await session.scalar(statement)
            if lease is None:
                return None
            return LeaseGrant(lease.name, lease.holder, lease.term, lease.expires_at)

        return await self._read(read)

    async def forget(self, name: str) -> None:
        """Delete the lease `name` and what it remembers (tests and `db` maintenance)."""
        statement = delete(Lease).where(Lease.name == clean_text(name))

        async def drop(connection: AsyncConnection) -> None:
            await connection.execute(statement)

        await self._writer.run(drop)
