"""Known issues (KI-n): the issue, its status history, the contacts linked to it, and the
ledger of bulk notices sent about it.

Reached as `store.incidents`. Opening, changing status, linking and claiming a notice are jobs of
the write path, each one conditional statement the database decides: a status moves only from
the status the caller saw, a link or a notice exists once (primary keys), so two clicks or two
replicas never record the same thing twice.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, Table, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import Session

from ._knowledge_tables import IncidentEventRow, IncidentLinkRow, IncidentRow, NoticeRow
from .changes import Update, insert_statement
from .notices import Notice, NoticeClaim, NoticeLedger
from .reads import Reader
from .sanitize import clean_text, sanitized_row
from .writer import Writer

__all__ = ["Incident", "IncidentEvent", "IncidentLink", "Incidents", "Notice", "NoticeClaim"]

INCIDENTS: Table = IncidentRow.__table__  # type: ignore[assignment]
EVENTS: Table = IncidentEventRow.__table__  # type: ignore[assignment]
LINKS: Table = IncidentLinkRow.__table__  # type: ignore[assignment]
NOTICES: Table = NoticeRow.__table__  # type: ignore[assignment]
#: Statuses that count as active (shown on cards, listed by /incidents).
RESOLVED = "resolved"


#: How many active issues a card or /incidents considers (newest first).
ACTIVE_LIMIT = 50
#: How long (seconds) a card trusts the active issues it last read: a change made by another
#: replica reaches its banners within this; one made here, at once.
ACTIVE_MAX_AGE = 2.0


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class Incident:
    """A known issue as stored."""

    id: int
    title: str
    summary: str = ""
    workaround: str = ""
    snippet_key: str | None = None
    services: list[str] | None = None
    tags: list[str] | None = None
    match: dict[str, Any] | None = None
    status: str
    opened_by: str
    opened_at: datetime
    updated_at: datetime
    status_message: dict[str, Any] | None = None

    @property
    def ref(self) -> str:
        """How people name it: KI-3."""
        return f"KI-{self.id}"

    @property
    def active(self) -> bool:
        """Whether it still affects customers (anything but resolved)."""
        return self.status != RESOLVED


@dataclass(frozen=True, kw_only=True)
class IncidentEvent:
    """One status change."""

    incident_id: int
    at: datetime
    by: str
    from_status: str | None
    to_status: str
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class IncidentLink:
    """A merchant or an interaction linked to an issue."""

    incident_id: int
    kind: str
    ref: str
    by: str
    at: datetime


def _active_statement(limit: int) -> Select[Any]:
    return (
        select(INCIDENTS)
        .where(IncidentRow.status != RESOLVED)
        .order_by(IncidentRow.id.desc())
        .limit(limit)
    )


def _linked_statement(kind: str, ref: str) -> Select[Any]:
    return select(IncidentLinkRow.incident_id).where(
        IncidentLinkRow.kind == kind, IncidentLinkRow.ref == clean_text(ref)
    )


def _of(cls: Any, row: Any) -> Any:
    return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


class Incidents:
    """Tables `incidents`, `incident_events`, `incident_links` and `incident_notices`."""

    def __init__(self, read: Reader, writer: Writer) -> None:
        self._read = read
        self._writer = writer
        # The active issues, as last read, and when (time.monotonic()): every card asks for
        # them, and they change a few times a day. Writes through this object drop it; another
        # replica's change shows within ACTIVE_MAX_AGE.
        self._active: tuple[float, list[Incident]] | None = None
        #: The ledger of bulk notices about issues (shared rules: `notices.NoticeLedger`).
        self.notices_ledger = NoticeLedger(read, writer, NOTICES, "incident_id")

    # --- the issue ---------------------------------------------------------------------------

    async def open(
        self,
        *,
        title: str,
        by: str,
        status: str,
        summary: str = "",
        workaround: str = "",
        snippet_key: str | None = None,
        services: list[str] | None = None,
        tags: list[str] | None = None,
        match: dict[str, Any] | None = None,
    ) -> Incident:
        """A new issue, its first status recorded as the first event; committed on return."""
        now = _now()
        values = sanitized_row(
            INCIDENTS,
            {
                "title": title,
                "summary": summary,
                "workaround": workaround,
                "snippet_key": snippet_key,
                "services": services or None,
                "tags": tags or None,
                "match": match or None,
                "status": status,
                "opened_by": by,
                "opened_at": now,
                "updated_at": now,
            },
        )

        async def add(connection: AsyncConnection) -> int:
            result = await connection.execute(insert(INCIDENTS).returning(IncidentRow.id), values)
            new_id = int(result.scalar_one())
            event = {
                "incident_id": new_id,
                "at": now,
                "by": values["opened_by"],
                "from_status": None,
                "to_status": status,
                "note": "opened",
            }
            await connection.execute(insert_statement(EVENTS), event)
            return new_id

        new_id = await self._writer.run(add)
        self._active = None
        return Incident(id=new_id, **{k: v for k, v in values.items()})

    async def get(self, incident_id: int) -> Incident | None:
        """The issue KI-`incident_id`, or None."""
        statement = select(INCIDENTS).where(IncidentRow.id == incident_id)

        async def read(session: AsyncSession) -> Incident | None:
            row = (await session.execute(statement)).first()
            return _of(Incident, row) if row is not None else None

        return await self._read(read)

    async def active(self, *, limit: int = ACTIVE_LIMIT) -> list[Incident]:
        """The issues not yet resolved, newest first."""
        statement = _active_statement(limit)

        async def read(session: AsyncSession) -> list[Incident]:
            return [_of(Incident, row) for row in (await session.execute(statement)).all()]

        return await self._read(read)

    async def banner_state(self, merchant_id: str | None) -> tuple[list[Incident], list[int]]:
        """What a card's banner needs: the active issues (read at most every ACTIVE_MAX_AGE
        seconds) and the ones `merchant_id` is linked to. No read at all while the cached list
        is fresh and empty, one read while it is fresh, one session for both otherwise."""
        cached = self._active
        fresh = cached is not None and time.monotonic() - cached[0] < ACTIVE_MAX_AGE
        if fresh and cached is not None:
            if not cached[1] or merchant_id is None:
                return cached[1], []
            return cached[1], await self.linked_to("merchant", merchant_id)
        links = _linked_statement("merchant", merchant_id) if merchant_id is not None else None

        def read(session: Session) -> tuple[list[Incident], list[int]]:
            rows = session.execute(_active_statement(ACTIVE_LIMIT)).all()
            active = [_of(Incident, row) for row in rows]
            if not active or links is None:
                return active, []
            return active, [int(i) for i in session.execute(links).scalars()]

        at = time.monotonic()
        active, linked = await self._read.sync(read)
        self._active = (at, active)
        return active, linked

    async def move(
        self, incident_id: int, *, from_status: str, to_status: str, by: str, note: str = ""
    ) -> bool:
        """Change the status if it still is `from_status` (one of two racing changes wins), and
        record the change; False when it was not `from_status` any more."""
        now = _now()
        change = (
            update(IncidentRow)
            .where(IncidentRow.id == incident_id, IncidentRow.status == from_status)
            .values(status=to_status, updated_at=now)
        )
        event = sanitized_row(
            EVENTS,
            {
                "incident_id": incident_id,
                "at": now,
                "by": by,
                "from_status": from_status,
                "to_status": to_status,
                "note": note,
            },
        )

        async def move(connection: AsyncConnection) -> bool:
            if getattr(await connection.execute(change), "rowcount", 0) != 1:
                return False
            await connection.execute(insert_statement(EVENTS), event)
            return True

        moved = await self._writer.run(move)
        self._active = None
        return moved

    async def history(self, incident_id: int) -> list[IncidentEvent]:
        """Every status change of the issue, oldest first."""
        statement = (
            select(EVENTS)
            .where(IncidentEventRow.incident_id == incident_id)
            .order_by(IncidentEventRow.at, IncidentEventRow.id)
        )

        async def read(session: AsyncSession) -> list[IncidentEvent]:
            return [_of(IncidentEvent, row) for row in (await session.execute(statement)).all()]

        return await self._read(read)

    async def set_status_message(self, incident_id: int, where: dict[str, Any]) -> None:
        """Remember where the adapter posted the issue's status message (to edit it later)."""
        await self._writer.write(Update(INCIDENTS, {"id": incident_id}, {"status_message": where}))
        self._active = None

    # --- links -------------------------------------------------------------------------------

    async def link(self, incident_id: int, *, kind: str, ref: str, by: str) -> bool:
        """Link a merchant or an interaction; False when it was linked already."""
        values = sanitized_row(
            LINKS,
            {"incident_id": incident_id, "kind": kind, "ref": ref, "by": by, "at": _now()},
            keys=("kind", "ref"),
        )

        async def add(connection: AsyncConnection) -> bool:
            try:
                async with connection.begin_nested():
                    await connection.execute(insert_statement(LINKS), values)
            except IntegrityError:
                return False
            return True

        return await self._writer.run(add)

    async def links(self, incident_id: int, *, kind: str | None = None) -> list[IncidentLink]:
        """The contacts linked to the issue, oldest first."""
        statement = select(LINKS).where(IncidentLinkRow.incident_id == incident_id)
        if kind is not None:
            statement = statement.where(IncidentLinkRow.kind == kind)
        statement = statement.order_by(IncidentLinkRow.at)

        async def read(session: AsyncSession) -> list[IncidentLink]:
            return [_of(IncidentLink, row) for row in (await session.execute(statement)).all()]

        return await self._read(read)

    async def linked_to(self, kind: str, ref: str) -> list[int]:
        """The issues a merchant or an interaction is linked to."""
        statement = _linked_statement(kind, ref)

        def read(session: Session) -> list[int]:
            return [int(i) for i in session.execute(statement).scalars()]

        return await self._read.sync(read)

    # --- notices -----------------------------------------------------------------------------

    async def claim_notice(self, notice: Notice) -> NoticeClaim:
        """Claim the right to send a notice about an issue (see `NoticeLedger.claim`)."""
        return await self.notices_ledger.claim(notice)

    async def finish_notice(self, notice: Notice, *, state: str, detail: str = "") -> None:
        """Record how a claimed notice ended (`sent`, `failed`, `skipped`); durable on return."""
        await self.notices_ledger.finish(notice, state=state, detail=detail)

    async def notice_counts(self, incident_id: int) -> dict[str, int]:
        """How many notices of the issue are in each state (every snippet version)."""
        return await self.notices_ledger.counts(incident_id)

    async def notices(self, incident_id: int) -> list[Notice]:
        """Every notice of the issue, in the order they were claimed."""
        return await self.notices_ledger.all(incident_id)
