"""The record's reads as queries: a statement and how to read its rows, given a session, so that
one session can run several (`RecordStore.card`: the four reads of a merchant card in one).

A read costs about half a millisecond of CPU before its statement runs (a pooled connection, a
session, a task bounded by the deadline); the card's reads share that once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

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
Query = Callable[[AsyncSession], Awaitable[R]]


@dataclass(frozen=True)
class CardRecord:
    """What the merchant card shows of the record (`RecordStore.card`)."""

    open_now: list[Interaction]
    notes: list[Note]
    top_tags: list[tuple[str, int]]
    contacts: int


def many_query(cls: type[R], statement: Select[Any]) -> Query[list[R]]:
    async def read(session: AsyncSession) -> list[R]:
        return [from_row(cls, row) for row in (await session.scalars(statement)).all()]

    return read


def open_of_merchant_query(merchant_id: str) -> Query[list[Interaction]]:
    statement = (
        select(InteractionRow)
        .where(
            InteractionRow.merchant_id == stored_as(InteractionRow.merchant_id, merchant_id),
            InteractionRow.closed_at.is_(None),
        )
        .order_by(InteractionRow.opened_at.desc())
        .limit(10)
    )
    return many_query(Interaction, statement)


def contacts_since_query(merchant_id: str, since: datetime) -> Query[int]:
    statement = select(func.count()).where(
        InteractionRow.merchant_id == stored_as(InteractionRow.merchant_id, merchant_id),
        InteractionRow.opened_at >= since,
    )

    async def read(session: AsyncSession) -> int:
        return int(await session.scalar(statement) or 0)

    return read


def notes_query(
    merchant_id: str | None, interaction_ref: str | None, *, include_retracted: bool, limit: int
) -> Query[list[Note]]:
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
    count = func.count().label("n")
    statement = select(TagRow.tag, count).where(
        TagRow.merchant_id == stored_as(TagRow.merchant_id, merchant_id)
    )
    if since is not None:
        statement = statement.where(TagRow.added_at >= since)
    if hide_group:
        statement = statement.where(TagRow.tag.not_like(f"{hide_group}/%"))
    statement = statement.group_by(TagRow.tag).order_by(count.desc(), TagRow.tag).limit(limit)

    async def read(session: AsyncSession) -> list[tuple[str, int]]:
        return [(str(tag), int(n)) for tag, n in (await session.execute(statement)).all()]

    return read
