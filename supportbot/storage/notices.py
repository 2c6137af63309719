"""The ledger of bulk notices: one row per (subject, merchant, snippet version), claimed before
anything is sent, so a notice goes out at most once however many runs or replicas try.

A subject is what a notice is about: a known issue (table `incident_notices`, column
`incident_id`) or a feature request that shipped (`feature_request_notices`, `request_id`).
Both ledgers are this one class over their own table (`store.incidents.notices_ledger`,
`store.requests.notices_ledger`), so the rules of a claim are written once.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from .changes import Update, insert_statement
from .reads import Reader
from .sanitize import clean_text, sanitized_row
from .writer import Writer

__all__ = ["NOTICE_LEASE", "Notice", "NoticeClaim", "NoticeLedger"]

#: A notice claimed this long ago and still `sending` was left by a run that stopped: another
#: run may take it over (one send, with the service's timeout, ends well within it).
NOTICE_LEASE = timedelta(seconds=30)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class Notice:
    """One notice to one merchant about one subject (issue or request), one snippet version."""

    #: The issue's or the request's number (KI-3, R-3: 3).
    subject_id: int
    merchant_id: str
    snippet_key: str
    snippet_version: int
    idempotency_key: str
    channel: str | None = None
    destination: str | None = None
    state: str = "sending"
    detail: str = ""
    by: str
    claimed_at: datetime
    finished_at: datetime | None = None


@dataclass(frozen=True)
class NoticeClaim:
    """`won`: this caller sends it; otherwise `notice` says what happened to it before."""

    won: bool
    notice: Notice


class NoticeLedger:
    """The notices of one kind of subject, in `table` whose subject column is `subject_column`."""

    def __init__(self, read: Reader, writer: Writer, table: Table, subject_column: str) -> None:
        self._read = read
        self._writer = writer
        self._table = table
        self._subject = subject_column

    def _row(self, notice: Notice) -> dict[str, Any]:
        values = {f.name: getattr(notice, f.name) for f in fields(Notice)}
        values[self._subject] = values.pop("subject_id")
        return values

    def _notice(self, row: Any) -> Notice:
        mapping = dict(row._mapping)
        mapping["subject_id"] = mapping.pop(self._subject)
        return Notice(**{f.name: mapping[f.name] for f in fields(Notice)})

    def _key(self, subject_id: int, merchant_id: str, key: str, version: int) -> Any:
        c = self._table.c
        return (
            (c[self._subject] == subject_id)
            & (c.merchant_id == merchant_id)
            & (c.snippet_key == key)
            & (c.snippet_version == version)
        )

    async def claim(self, notice: Notice) -> NoticeClaim:
        """Claim the right to send `notice` (state `sending`) before anything is sent.

        The first claim of (subject, merchant, snippet, version) wins. A later one wins only to
        finish a send that never finished: one that `failed`, or one still `sending` after
        NOTICE_LEASE (its run stopped). It reuses the first claim's idempotency key, so the
        notifications service answers it as the first, never twice.
        """
        values = sanitized_row(
            self._table,
            self._row(notice),
            keys=("merchant_id", "snippet_key", "idempotency_key"),
        )
        c = self._table.c
        pk = self._key(
            values[self._subject],
            values["merchant_id"],
            values["snippet_key"],
            values["snippet_version"],
        )
        retake = (
            update(self._table)
            .where(
                pk,
                (c.state == "failed")
                | ((c.state == "sending") & (c.claimed_at <= values["claimed_at"] - NOTICE_LEASE)),
            )
            .values(
                state="sending", by=values["by"], claimed_at=values["claimed_at"], finished_at=None
            )
        )

        async def claim(connection: AsyncConnection) -> NoticeClaim:
            try:
                async with connection.begin_nested():
                    await connection.execute(insert_statement(self._table), values)
                return NoticeClaim(True, notice)
            except IntegrityError:
                pass
            won = getattr(await connection.execute(retake), "rowcount", 0) == 1
            row = (await connection.execute(select(self._table).where(pk))).one()
            found = self._notice(row)
            return NoticeClaim(won or found.claimed_at == notice.claimed_at, found)

        return await self._writer.run(claim)

    async def finish(self, notice: Notice, *, state: str, detail: str = "") -> None:
        """Record how a claimed notice ended (`sent`, `failed`, `skipped`); durable on return."""
        where = {
            self._subject: notice.subject_id,
            "merchant_id": clean_text(notice.merchant_id),
            "snippet_key": clean_text(notice.snippet_key),
            "snippet_version": notice.snippet_version,
        }
        values = {"state": state, "detail": clean_text(detail)[:2000], "finished_at": _now()}
        await self._writer.write(Update(self._table, where, values))

    async def counts(self, subject_id: int) -> dict[str, int]:
        """How many notices of the subject are in each state (every snippet version)."""
        c = self._table.c
        statement = (
            select(c.state, func.count()).where(c[self._subject] == subject_id).group_by(c.state)
        )

        async def read(session: AsyncSession) -> dict[str, int]:
            return {str(s): int(n) for s, n in (await session.execute(statement)).all()}

        return await self._read(read)

    async def all(self, subject_id: int) -> list[Notice]:
        """Every notice of the subject, in the order they were claimed."""
        c = self._table.c
        statement = select(self._table).where(c[self._subject] == subject_id).order_by(c.claimed_at)

        async def read(session: AsyncSession) -> list[Notice]:
            return [self._notice(row) for row in (await session.execute(statement)).all()]

        return await self._read(read)
