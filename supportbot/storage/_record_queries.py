"""The record's reads as queries: a statement and how to read its rows, given a session, so that
one session can run several (`RecordStore.card`: the four reads of a merchant card in one).

They are plain functions of a `Session` (`Reader.sync`): on SQLite a read's statements then run
in one thread hop together, where aiosqlite costs four event-loop round trips per statement
(about 0.5 ms of CPU each on this machine).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from ._record_rows import Interaction, Note, from_row
from ._record_tables import InteractionRow, NoteRow, TagRow
from .sanitize import clean_text, stored_as

__all__ = [
    "CardRecord",
    "Query",
    "contacts_since_query",
    "many_query",
    "notes_query",
    "open_of_merchant_query",
    "top_tags_query",
]

R = TypeVar("R")
Query = Callable[[Session], R]


@dataclass(frozen=True)
class CardRecord:
    """What the merchant card shows of the record (`RecordStore.card`)."""

    open_now: list[Interaction]
    notes: list[Note]
    top_tags: list[tuple[str, int]]
    contacts: int


def many_query(cls: type[R], statement: Select[Any], **params: Any) -> Query[list[R]]:
    def read(session: Session) -> list[R]:
        return [from_row(cls, row) for row in session.scalars(statement, params).all()]

    return read


# The statements of the card's reads, built once: building a select costs about as much as
# running it on SQLite. Their values are bound parameters.
_OPEN_OF_MERCHANT = (
    select(InteractionRow)
    .where(InteractionRow.merchant_id == bindparam("merchant"), InteractionRow.closed_at.is_(None))
    .order_by(InteractionRow.opened_at.desc())
    .limit(10)
)
_CONTACTS_SINCE = select(func.count()).where(
    InteractionRow.merchant_id == bindparam("merchant"),
    InteractionRow.opened_at >= bindparam("since"),
)
_NOTES_OF_MERCHANT = (
    select(NoteRow)
    .where(NoteRow.merchant_id == bindparam("merchant"), NoteRow.retracted_at.is_(None))
    .order_by(NoteRow.at.desc(), NoteRow.ref)
    .limit(bindparam("limit"))
)

_TAG_COUNT = func.count().label("n")
_TOP_TAGS = (
    select(TagRow.tag, _TAG_COUNT)
    .where(TagRow.merchant_id == bindparam("merchant"))
    .group_by(TagRow.tag)
    .order_by(_TAG_COUNT.desc(), TagRow.tag)
    .limit(bindparam("limit"))
)
_TOP_TAGS_BUT_GROUP = (
    select(TagRow.tag, _TAG_COUNT)
    .where(TagRow.merchant_id == bindparam("merchant"), TagRow.tag.not_like(bindparam("hidden")))
    .group_by(TagRow.tag)
    .order_by(_TAG_COUNT.desc(), TagRow.tag)
    .limit(bindparam("limit"))
)


def _merchant(merchant_id: str) -> str:
    return stored_as(InteractionRow.merchant_id, merchant_id)


def open_of_merchant_query(merchant_id: str) -> Query[list[Interaction]]:
    return many_query(Interaction, _OPEN_OF_MERCHANT, merchant=_merchant(merchant_id))


def contacts_since_query(merchant_id: str, since: datetime) -> Query[int]:
    params = {"merchant": _merchant(merchant_id), "since": since}

    def read(session: Session) -> int:
        return int(session.scalar(_CONTACTS_SINCE, params) or 0)

    return read


def notes_query(
    merchant_id: str | None, interaction_ref: str | None, *, include_retracted: bool, limit: int
) -> Query[list[Note]]:
    if merchant_id is not None and interaction_ref is None and not include_retracted:
        merchant = stored_as(NoteRow.merchant_id, merchant_id)
        return many_query(Note, _NOTES_OF_MERCHANT, merchant=merchant, limit=limit)
    statement = select(NoteRow)
    if merchant_id is not None:
        statement = statement.where(
            NoteRow.merchant_id == stored_as(NoteRow.merchant_id, merchant_id)
        )
    if interaction_ref is not None:
        statement = statement.where(NoteRow.interaction_ref == clean_text(interaction_ref))
    if not include_retracted:
        statement = statement.where(NoteRow.retracted_at.is_(None))
    return many_query(Note, statement.order_by(NoteRow.at.desc(), NoteRow.ref).limit(limit))


def top_tags_query(
    merchant_id: str, *, since: datetime | None, limit: int, hide_group: str | None
) -> Query[list[tuple[str, int]]]:
    params: dict[str, Any] = {"merchant": stored_as(TagRow.merchant_id, merchant_id)}
    if since is None:  # the card's: built once
        statement = _TOP_TAGS_BUT_GROUP if hide_group else _TOP_TAGS
        params.update(limit=limit, hidden=f"{hide_group}/%")
    else:
        count = func.count().label("n")
        statement = select(TagRow.tag, count).where(
            TagRow.merchant_id == params["merchant"], TagRow.added_at >= since
        )
        if hide_group:
            statement = statement.where(TagRow.tag.not_like(f"{hide_group}/%"))
        statement = statement.group_by(TagRow.tag).order_by(count.desc(), TagRow.tag).limit(limit)

    def read(session: Session) -> list[tuple[str, int]]:
        return [(str(tag), int(n)) for tag, n in session.execute(statement, params).all()]

    return read
