"""The support record's store: interactions, notes, tags, phone aliases and the timeline.

Reached as `store.record`. Every write goes through the write path: rows that need no answer
(an interaction opened, a note, a tag, a timeline event) are changes that wait in the spool while
the database is away; what must be decided by the database (a number saved for one merchant
only, a number removed) is a job, committed before the caller goes on or StorageUnavailable.
Rows are sanitised first (NUL, lone surrogates, overlong bounded text), like every table's.

    await store.record.open_interaction(interaction, event)
    await store.record.open_interaction_of(agent_id)          # the agent's open one, or None
    await store.record.timeline("M-10001", limit=20)          # one indexed query a page
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, Table, bindparam, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.orm import Session

from ._record_queries import (
    CardRecord,
    contacts_since_query,
    many_query,
    notes_query,
    open_of_merchant_query,
    top_tags_query,
)
from ._record_rows import (
    Alias,
    AliasConflict,
    Interaction,
    Note,
    TagMark,
    TimelineCursor,
    TimelineEvent,
    TimelinePage,
    from_row,
)
from ._record_tables import AliasRow, CustomTagRow, EventRow, InteractionRow, NoteRow, TagRow
from .changes import Insert, Update, insert_statement
from .reads import Reader
from .sanitize import clean_text, field_values, sanitized_row, stored_as
from .writer import Writer

__all__ = ["CardRecord", "RecordStore", "timeline_statement"]

INTERACTIONS: Table = InteractionRow.__table__  # type: ignore[assignment]
TAGS: Table = TagRow.__table__  # type: ignore[assignment]
NOTES: Table = NoteRow.__table__  # type: ignore[assignment]
ALIASES: Table = AliasRow.__table__  # type: ignore[assignment]
EVENTS: Table = EventRow.__table__  # type: ignore[assignment]
CUSTOM_TAGS: Table = CustomTagRow.__table__  # type: ignore[assignment]
R = TypeVar("R")


def _insert(table: Table, values: dict[str, Any], key: str) -> Insert:
    return Insert(table, sanitized_row(table, values, keys=(key,)), (key,))


def _event_row(event: TimelineEvent) -> dict[str, Any]:
    values = field_values(event)
    values.pop("id")
    return values


def timeline_statement(
    merchant_id: str,
    *,
    before: TimelineCursor | None = None,
    since: datetime | None = None,
    tag: str | None = None,
    limit: int = 20,
) -> Select[Any]:
    """The one query of a timeline page: a range of `ix_record_events_merchant_at`, newest
    first. `tag`: only that tag's changes and what happened in interactions that carry it."""
    merchant = stored_as(EventRow.merchant_id, merchant_id)
    statement = select(EventRow).where(EventRow.merchant_id == merchant)
    if since is not None:
        statement = statement.where(EventRow.at >= since)
    if before is not None:
        # `at <= x` bounds the index range; the OR only breaks ties within one instant. A
        # cursor of an id alone takes its time from the event (one primary-key lookup).
        at: Any = before.at
        if at is None:
            at = select(EventRow.at).where(EventRow.id == before.id).scalar_subquery()
        statement = statement.where(
            EventRow.at <= at, or_(EventRow.at < at, EventRow.id < before.id)
        )
    if tag is not None:
        wanted = stored_as(TagRow.tag, tag)
        tagged = select(TagRow.interaction_ref).where(
            TagRow.merchant_id == merchant,
            TagRow.tag == wanted,
            TagRow.interaction_ref.is_not(None),
        )
        statement = statement.where(
            or_(EventRow.tag == wanted, EventRow.interaction_ref.in_(tagged))
        )
    return statement.order_by(EventRow.at.desc(), EventRow.id.desc()).limit(limit + 1)


_OPEN_OF_AGENT = (
    select(InteractionRow)
    .where(InteractionRow.agent_id == bindparam("agent"), InteractionRow.closed_at.is_(None))
    .order_by(InteractionRow.opened_at.desc())
    .limit(1)
)


class RecordStore:
    """Writes and reads the support record. Reached as `store.record`."""

    def __init__(self, read: Reader, writer: Writer) -> None:
        self._read = read
        self._writer = writer

    # --- interactions ------------------------------------------------------------------------

    async def open_interaction(self, interaction: Interaction, *events: TimelineEvent) -> None:
        """Store a new interaction and its timeline events; durable on return (or spooled)."""
        await self._write(_insert(INTERACTIONS, field_values(interaction), "ref"), events=events)

    async def update_interaction(self, ref: str, *events: TimelineEvent, **values: Any) -> None:
        """Set `values` (closed_at, outcome, mood, first_reply_at, duration_s, merchant_id...)
        on interaction `ref`, and store `events`."""
        row = sanitized_row(INTERACTIONS, values)
        await self._write(Update(INTERACTIONS, {"ref": ref}, row), events=events)

    async def interaction(self, ref: str) -> Interaction | None:
        """Interaction `ref`, or None."""
        statement = select(InteractionRow).where(InteractionRow.ref == clean_text(ref))
        return await self._one(Interaction, statement)

    async def interaction_by_external_id(self, external_id: str) -> Interaction | None:
        """The newest interaction opened for the phone system's call `external_id`, or None."""
        statement = (
            select(InteractionRow)
            .where(InteractionRow.external_id == stored_as(InteractionRow.external_id, external_id))
            .order_by(InteractionRow.opened_at.desc())
            .limit(1)
        )
        return await self._one(Interaction, statement)

    async def open_interaction_of(self, agent_id: str) -> Interaction | None:
        """The agent's newest interaction still open, or None (after every lookup: built once)."""
        agent = stored_as(InteractionRow.agent_id, agent_id)
        return await self._one(Interaction, _OPEN_OF_AGENT, agent=agent)

    async def open_interactions_of_merchant(self, merchant_id: str) -> list[Interaction]:
        """Every interaction of the merchant still open, newest first."""
        return await self._read.sync(open_of_merchant_query(merchant_id))

    async def contacts_since(self, merchant_id: str, since: datetime) -> int:
        """How many interactions of the merchant opened at or after `since`."""
        return await self._read.sync(contacts_since_query(merchant_id, since))

    async def interactions(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        merchant_id: str | None = None,
        limit: int = 100_000,
    ) -> list[Interaction]:
        """Interactions opened in [since, until) (of one merchant), oldest first."""
        statement = select(InteractionRow)
        if since is not None:
            statement = statement.where(InteractionRow.opened_at >= since)
        if until is not None:
            statement = statement.where(InteractionRow.opened_at < until)
        if merchant_id is not None:
            statement = statement.where(
                InteractionRow.merchant_id == stored_as(InteractionRow.merchant_id, merchant_id)
            )
        statement = statement.order_by(InteractionRow.opened_at, InteractionRow.ref).limit(limit)
        return await self._many(Interaction, statement)

    # --- notes -------------------------------------------------------------------------------

    async def add_note(self, note: Note, *events: TimelineEvent) -> None:
        """Store a note (append-only) and its timeline events."""
        await self._write(_insert(NOTES, field_values(note), "ref"), events=events)

    async def note(self, ref: str) -> Note | None:
        """Note `ref`, or None."""
        return await self._one(Note, select(NoteRow).where(NoteRow.ref == clean_text(ref)))

    async def retract_note(
        self, ref: str, *, by: str, at: datetime, events: Sequence[TimelineEvent] = ()
    ) -> None:
        """Mark note `ref` retracted (its text stays, for leads), if it is not already."""
        where = {"ref": ref, "retracted_at": None}
        await self._write(
            Update(NOTES, where, {"retracted_at": at, "retracted_by": by}), events=events
        )

    async def notes(
        self,
        *,
        merchant_id: str | None = None,
        interaction_ref: str | None = None,
        include_retracted: bool = False,
        limit: int = 3,
    ) -> list[Note]:
        """The newest notes on a merchant or an interaction."""
        query = notes_query(
            merchant_id, interaction_ref, include_retracted=include_retracted, limit=limit
        )
        return await self._read.sync(query)

    # --- tags --------------------------------------------------------------------------------

    async def add_tag(self, mark: TagMark, *events: TimelineEvent) -> None:
        """Put a tag on (the caller checked it is not on already)."""
        await self._write(_insert(TAGS, field_values(mark), "key"), events=events)

    async def remove_tag(
        self, mark: TagMark, *, by: str, at: datetime, events: Sequence[TimelineEvent] = ()
    ) -> None:
        """Take a tag off (its row stays, with when and by whom, for the stats)."""
        where = {"key": mark.key, "removed_at": None}
        await self._write(Update(TAGS, where, {"removed_at": at, "removed_by": by}), events=events)

    async def tags_on(
        self, *, merchant_id: str | None = None, interaction_ref: str | None = None
    ) -> list[TagMark]:
        """The tags on now: of the merchant itself (`interaction_ref` None), or of an
        interaction."""
        statement = select(TagRow).where(TagRow.removed_at.is_(None))
        if interaction_ref is not None:
            statement = statement.where(TagRow.interaction_ref == clean_text(interaction_ref))
        else:
            statement = statement.where(
                TagRow.merchant_id == stored_as(TagRow.merchant_id, merchant_id or ""),
                TagRow.interaction_ref.is_(None),
            )
        return await self._many(TagMark, statement.order_by(TagRow.added_at))

    async def tags_of_interactions(self, refs: Sequence[str]) -> dict[str, list[str]]:
        """The tags on now of each interaction in `refs` (for export), in the order added."""
        found: dict[str, list[str]] = {}
        for start in range(0, len(refs), 500):  # bounded IN lists
            chunk = [clean_text(ref) for ref in refs[start : start + 500]]
            statement = (
                select(TagRow.interaction_ref, TagRow.tag)
                .where(TagRow.interaction_ref.in_(chunk), TagRow.removed_at.is_(None))
                .order_by(TagRow.added_at)
            )

            def read(session: Session, statement: Any = statement) -> list[tuple[str, str]]:
                return [(str(r), str(t)) for r, t in session.execute(statement).all()]

            for ref, tag in await self._read.sync(read):
                found.setdefault(ref, []).append(tag)
        return found

    async def top_tags(
        self,
        merchant_id: str,
        *,
        since: datetime | None = None,
        limit: int = 3,
        hide_group: str | None = None,
    ) -> list[tuple[str, int]]:
        """The merchant's most used tags (on it or its interactions), with how often; tags of
        `hide_group` left out."""
        return await self._read.sync(
            top_tags_query(merchant_id, since=since, limit=limit, hide_group=hide_group)
        )

    async def card(
        self,
        merchant_id: str,
        *,
        contacts_since: datetime,
        notes: int = 3,
        tags: int = 3,
        hide_group: str | None = None,
    ) -> CardRecord:
        """What the merchant card shows of the record, in one read (one session, four indexed
        statements): the open interactions, the newest notes, the top tags, the contacts since
        `contacts_since`."""
        queries = (
            open_of_merchant_query(merchant_id),
            notes_query(merchant_id, None, include_retracted=False, limit=notes),
            top_tags_query(merchant_id, since=None, limit=tags, hide_group=hide_group),
            contacts_since_query(merchant_id, contacts_since),
        )
        open_of, notes_of, tags_of, contacts_of = queries

        def read(session: Session) -> CardRecord:
            return CardRecord(
                open_now=open_of(session),
                notes=notes_of(session),
                top_tags=tags_of(session),
                contacts=contacts_of(session),
            )

        return await self._read.sync(read)

    async def add_custom_tag(self, tag: str, description: str, *, by: str, at: datetime) -> bool:
        """Add a tag to the taxonomy; False when it was there already (nothing changed)."""
        row = sanitized_row(
            CUSTOM_TAGS,
            {"tag": tag, "description": description, "added_by": by, "added_at": at},
            keys=("tag",),
        )

        async def add(connection: AsyncConnection) -> bool:
            try:
                async with connection.begin_nested():
                    await connection.execute(insert_statement(CUSTOM_TAGS), row)
            except IntegrityError:
                return False
            return True

        return await self._writer.run(add)

    async def custom_tags(self) -> dict[str, str]:
        """The tags leads added: tag -> description."""
        statement = select(CustomTagRow.tag, CustomTagRow.description).order_by(CustomTagRow.tag)

        def read(session: Session) -> dict[str, str]:
            return {str(t): str(d) for t, d in session.execute(statement).all()}

        return await self._read.sync(read)

    # --- aliases -----------------------------------------------------------------------------

    async def alias(self, phone: str) -> Alias | None:
        """The merchant the number (E.164) was saved for, or None."""
        return await self._one(Alias, select(AliasRow).where(AliasRow.phone == clean_text(phone)))

    async def aliases_of(self, merchant_id: str) -> list[Alias]:
        """Every number saved for the merchant, oldest first."""
        statement = (
            select(AliasRow)
            .where(AliasRow.merchant_id == stored_as(AliasRow.merchant_id, merchant_id))
            .order_by(AliasRow.saved_at)
        )
        return await self._many(Alias, statement)

    async def save_alias(self, alias: Alias, *events: TimelineEvent) -> bool:
        """Save the number for its merchant, with its events in the same transaction.

        True when saved, False when it was already saved for this merchant (nothing changed).
        Raises AliasConflict naming the owner when another merchant has it; StorageUnavailable
        when the database cannot decide (nothing saved)."""
        row = sanitized_row(ALIASES, field_values(alias), keys=("phone",))
        event_rows = [sanitized_row(EVENTS, _event_row(e), keys=("event_key",)) for e in events]

        async def first_save(connection: AsyncConnection) -> Alias | None:
            try:
                async with connection.begin_nested():
                    await connection.execute(insert_statement(ALIASES), row)
            except IntegrityError:
                found = (
                    await connection.execute(select(AliasRow).where(AliasRow.phone == row["phone"]))
                ).first()
                if found is None:
                    raise
                return from_row(Alias, found)
            if event_rows:
                await connection.execute(insert_statement(EVENTS), event_rows)
            return None

        owner = await self._writer.run(first_save)
        if owner is None:
            return True
        if owner.merchant_id == row["merchant_id"]:
            return False
        raise AliasConflict(owner)

    async def remove_alias(self, phone: str, *events: TimelineEvent) -> Alias | None:
        """Forget the number; the alias removed (None when it was not saved). Its events are
        stored in the same transaction, and only when something was removed."""
        phone = clean_text(phone)
        event_rows = [sanitized_row(EVENTS, _event_row(e), keys=("event_key",)) for e in events]

        async def forget(connection: AsyncConnection) -> Alias | None:
            found = (
                await connection.execute(select(AliasRow).where(AliasRow.phone == phone))
            ).first()
            if found is None:
                return None
            await connection.execute(delete(ALIASES).where(ALIASES.c.phone == phone))
            if event_rows:
                rows = [{**r, "merchant_id": found.merchant_id} for r in event_rows]
                await connection.execute(insert_statement(EVENTS), rows)
            return from_row(Alias, found)

        return await self._writer.run(forget)

    # --- many at once ---------------------------------------------------------------------

    async def import_rows(
        self,
        interactions: Sequence[Interaction] = (),
        tags: Sequence[TagMark] = (),
        notes: Sequence[Note] = (),
        events: Sequence[TimelineEvent] = (),
    ) -> None:
        """Write many rows in one transaction of the write path (sample history, benchmarks):
        one executemany per table, all or nothing. StorageUnavailable when it cannot commit."""
        batches = [
            (
                INTERACTIONS,
                [sanitized_row(INTERACTIONS, field_values(i), keys=("ref",)) for i in interactions],
            ),
            (TAGS, [sanitized_row(TAGS, field_values(t), keys=("key",)) for t in tags]),
            (NOTES, [sanitized_row(NOTES, field_values(n), keys=("ref",)) for n in notes]),
            (EVENTS, [sanitized_row(EVENTS, _event_row(e), keys=("event_key",)) for e in events]),
        ]

        async def write_all(connection: AsyncConnection) -> None:
            for table, rows in batches:
                for start in range(0, len(rows), 2000):
                    if rows[start : start + 2000]:
                        await connection.execute(
                            insert_statement(table), rows[start : start + 2000]
                        )

        await self._writer.run(write_all)

    # --- the timeline ------------------------------------------------------------------------

    async def add_events(self, *events: TimelineEvent) -> None:
        """Store timeline events (each once, by `event_key`)."""
        await self._write(events=events)

    async def _write(self, *changes: Insert | Update, events: Sequence[TimelineEvent] = ()) -> None:
        """Write `changes` and `events` together: queued at once, they share one commit."""
        every = [*changes, *(_insert(EVENTS, _event_row(e), "event_key") for e in events)]
        await asyncio.gather(*(self._writer.write(change) for change in every))

    async def timeline(
        self,
        merchant_id: str,
        *,
        before: TimelineCursor | None = None,
        since: datetime | None = None,
        tag: str | None = None,
        limit: int = 20,
    ) -> TimelinePage:
        """One page of the merchant's timeline, newest first: one indexed query."""
        statement = timeline_statement(
            merchant_id, before=before, since=since, tag=tag, limit=limit
        )

        def read(session: Session) -> list[TimelineEvent]:
            return [from_row(TimelineEvent, row) for row in session.scalars(statement).all()]

        events = await self._read.sync(read)
        older = None
        if len(events) > limit:
            events = events[:limit]
            older = TimelineCursor(events[-1].at, events[-1].id)
        return TimelinePage(events, older)

    async def events_of_run(self, request_id: str) -> list[TimelineEvent]:
        """The timeline events a command run wrote (the audit trail's link to the record)."""
        statement = (
            select(EventRow)
            .where(EventRow.request_id == clean_text(request_id))
            .order_by(EventRow.id)
        )
        return await self._many(TimelineEvent, statement)

    # --- reading -----------------------------------------------------------------------------

    async def _one(self, cls: type[R], statement: Select[Any], **params: Any) -> R | None:
        def read(session: Session) -> R | None:
            row = session.scalar(statement, params)
            return from_row(cls, row) if row is not None else None

        return await self._read.sync(read)

    async def _many(self, cls: type[R], statement: Select[Any]) -> list[R]:
        return await self._read.sync(many_query(cls, statement))
