"""Feature requests (R-n): what merchants asked for, who asked, and the ledger of notices that
a request shipped.

Reached as `store.requests`. Recording an ask, opening a request with its first ask and marking
one shipped are jobs of the write path, each decided by the database: an ask is stored once per
command run (`run_id` is unique, so a retried or redelivered run adds nothing), an ask joins a
request only while it is open, and a request ships once (the status moves only from open).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from ._request_tables import FeatureAskRow, FeatureRequestRow, RequestNoticeRow
from .changes import insert_statement
from .notices import Notice, NoticeClaim, NoticeLedger
from .reads import Reader
from .sanitize import clean_text, sanitized_row
from .writer import Writer

__all__ = ["FeatureAsk", "FeatureRequest", "FeatureRequests", "RecordedAsk"]

REQUESTS: Table = FeatureRequestRow.__table__  # type: ignore[assignment]
ASKS: Table = FeatureAskRow.__table__  # type: ignore[assignment]
NOTICES: Table = RequestNoticeRow.__table__  # type: ignore[assignment]
OPEN = "open"
SHIPPED = "shipped"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class FeatureRequest:
    """A feature request as stored."""

    id: int
    title: str
    tag: str | None = None
    status: str
    opened_by: str
    opened_at: datetime
    shipped_by: str | None = None
    shipped_at: datetime | None = None
    ship_note: str = ""

    @property
    def ref(self) -> str:
        """How people name it: R-4."""
        return f"R-{self.id}"


@dataclass(frozen=True, kw_only=True)
class FeatureAsk:
    """One merchant asking for a request."""

    request_id: int
    merchant_id: str
    text: str
    by: str
    at: datetime
    run_id: str


@dataclass(frozen=True)
class RecordedAsk:
    """How recording an ask ended: the request it is on (with its distinct merchants now),
    whether this call opened the request, and whether the merchant is new to it. `repeated`:
    this run had recorded it already (a retry), nothing was added."""

    request: FeatureRequest
    merchants: int
    opened: bool
    new_merchant: bool
    repeated: bool = False


def _of(cls: Any, row: Any) -> Any:
    return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


def _merchants_of(request_id: int) -> Any:
    return (
        select(func.count(func.distinct(FeatureAskRow.merchant_id)))
        .where(FeatureAskRow.request_id == request_id)
        .scalar_subquery()
    )


class FeatureRequests:
    """Tables `feature_requests`, `feature_request_asks` and `feature_request_notices`."""

    def __init__(self, read: Reader, writer: Writer) -> None:
        self._read = read
        self._writer = writer
        #: The ledger of notices that a request shipped (shared rules: `notices.NoticeLedger`).
        self.notices_ledger = NoticeLedger(read, writer, NOTICES, "request_id")

    # --- recording ---------------------------------------------------------------------------

    def _ask_row(self, ask: FeatureAsk) -> dict[str, Any]:
        return sanitized_row(
            ASKS,
            {f.name: getattr(ask, f.name) for f in fields(FeatureAsk)},
            keys=("merchant_id", "run_id"),
        )

    async def _repeat(self, connection: AsyncConnection, run_id: str) -> RecordedAsk | None:
        """What an earlier try of the same run recorded, if it did."""
        done = (
            await connection.execute(
                select(FeatureAskRow.request_id).where(ASKS.c.run_id == run_id)
            )
        ).scalar()
        if done is None:
            return None
        row = (await connection.execute(select(REQUESTS).where(REQUESTS.c.id == done))).one()
        count = int((await connection.execute(select(_merchants_of(int(done))))).scalar_one())
        return RecordedAsk(_of(FeatureRequest, row), count, False, False, repeated=True)

    async def open(self, *, title: str, tag: str | None, ask: FeatureAsk) -> RecordedAsk:
        """A new open request with `ask` as its first ask; committed on return. A retried run
        (same `ask.run_id`) gets what its first try recorded."""
        now = ask.at
        values = sanitized_row(
            REQUESTS,
            {
                "title": title,
                "tag": tag,
                "status": OPEN,
                "opened_by": ask.by,
                "opened_at": now,
                "ship_note": "",
            },
        )
        row = self._ask_row(ask)

        async def add(connection: AsyncConnection) -> RecordedAsk:
            earlier = await self._repeat(connection, row["run_id"])
            if earlier is not None:
                return earlier
            result = await connection.execute(
                insert(REQUESTS).returning(FeatureRequestRow.id), values
            )
            new_id = int(result.scalar_one())
            await connection.execute(insert_statement(ASKS), {**row, "request_id": new_id})
            return RecordedAsk(FeatureRequest(id=new_id, **values), 1, True, True)

        return await self._writer.run(add)

    async def add_ask(self, ask: FeatureAsk) -> RecordedAsk | None:
        """Add `ask` to its request if the request is still open; None when it is not (it
        shipped meanwhile, or there is no such request). Retried runs add nothing."""
        row = self._ask_row(ask)
        request_id = row["request_id"]

        async def add(connection: AsyncConnection) -> RecordedAsk | None:
            earlier = await self._repeat(connection, row["run_id"])
            if earlier is not None:
                return earlier
            found = (
                await connection.execute(select(REQUESTS).where(REQUESTS.c.id == request_id))
            ).first()
            if found is None or found.status != OPEN:
                return None
            before = (
                await connection.execute(
                    select(func.count()).where(
                        and_(
                            ASKS.c.request_id == request_id,
                            ASKS.c.merchant_id == row["merchant_id"],
                        )
                    )
                )
            ).scalar_one()
            try:
                async with connection.begin_nested():
                    await connection.execute(insert_statement(ASKS), row)
            except IntegrityError:  # the same run, racing itself on another replica
                return await self._repeat(connection, row["run_id"])
            count = int((await connection.execute(select(_merchants_of(request_id)))).scalar_one())
            return RecordedAsk(_of(FeatureRequest, found), count, False, int(before) == 0)

        return await self._writer.run(add)

    async def ship(self, request_id: int, *, by: str, note: str = "") -> bool:
        """Mark the request shipped if it is still open; False when it was not (any more)."""
        change = (
            update(FeatureRequestRow)
            .where(FeatureRequestRow.id == request_id, FeatureRequestRow.status == OPEN)
            .values(status=SHIPPED, shipped_by=clean_text(by)[:200], shipped_at=_now())
            .values(ship_note=clean_text(note)[:2000])
        )

        async def move(connection: AsyncConnection) -> bool:
            return bool(getattr(await connection.execute(change), "rowcount", 0) == 1)

        return await self._writer.run(move)

    # --- reading -----------------------------------------------------------------------------

    async def get(self, request_id: int) -> FeatureRequest | None:
        """The request R-`request_id`, or None."""
        statement = select(REQUESTS).where(FeatureRequestRow.id == request_id)

        async def read(session: AsyncSession) -> FeatureRequest | None:
            row = (await session.execute(statement)).first()
            return _of(FeatureRequest, row) if row is not None else None

        return await self._read(read)

    async def ranked(
        self, *, tag: str | None = None, status: str = OPEN, limit: int = 20
    ) -> list[tuple[FeatureRequest, int]]:
        """Requests in `status` (of `tag`, or all), most distinct merchants first, then oldest:
        each with its count of distinct merchants."""
        merchants = func.count(func.distinct(FeatureAskRow.merchant_id)).label("merchants")
        statement = (
            select(FeatureRequestRow, merchants)
            .join(FeatureAskRow, FeatureAskRow.request_id == FeatureRequestRow.id)
            .where(FeatureRequestRow.status == status)
            .group_by(FeatureRequestRow.id)
            .order_by(merchants.desc(), FeatureRequestRow.id)
            .limit(limit)
        )
        if tag is not None:
            statement = statement.where(FeatureRequestRow.tag == clean_text(tag))

        async def read(session: AsyncSession) -> list[tuple[FeatureRequest, int]]:
            rows = (await session.execute(statement)).all()
            return [(_of(FeatureRequest, row[0]), int(row[1])) for row in rows]

        return await self._read(read)

    async def open_with_tag(self, tag: str | None, *, limit: int = 200) -> list[FeatureRequest]:
        """The open requests filed under `tag` (None: those with no tag), oldest first: the
        candidates a new ask may be the same as."""
        where = FeatureRequestRow.tag.is_(None) if tag is None else FeatureRequestRow.tag == tag
        statement = (
            select(REQUESTS)
            .where(FeatureRequestRow.status == OPEN, where)
            .order_by(FeatureRequestRow.id)
            .limit(limit)
        )

        async def read(session: AsyncSession) -> list[FeatureRequest]:
            return [_of(FeatureRequest, row) for row in (await session.execute(statement)).all()]

        return await self._read(read)

    async def asks(self, request_id: int) -> list[FeatureAsk]:
        """Every ask of the request, oldest first."""
        statement = (
            select(ASKS)
            .where(FeatureAskRow.request_id == request_id)
            .order_by(FeatureAskRow.at, FeatureAskRow.id)
        )

        async def read(session: AsyncSession) -> list[FeatureAsk]:
            return [_of(FeatureAsk, row) for row in (await session.execute(statement)).all()]

        return await self._read(read)

    async def merchants(self, request_id: int) -> list[str]:
        """The distinct merchants who asked for the request, in id order."""
        statement = (
            select(FeatureAskRow.merchant_id)
            .where(FeatureAskRow.request_id == request_id)
            .distinct()
            .order_by(FeatureAskRow.merchant_id)
        )

        async def read(session: AsyncSession) -> list[str]:
            return [str(m) for m in (await session.execute(statement)).scalars()]

        return await self._read(read)

    # --- notices -----------------------------------------------------------------------------

    async def claim_notice(self, notice: Notice) -> NoticeClaim:
        """Claim the right to send a notice that a request shipped (`NoticeLedger.claim`)."""
        return await self.notices_ledger.claim(notice)

    async def notice_counts(self, request_id: int) -> dict[str, int]:
        """How many notices of the request are in each state (every snippet version)."""
        return await self.notices_ledger.counts(request_id)
