"""Stats over the support record: contacts (interactions) by hour and by tag.

Counts are grouped by UTC hour in the database (an index range on `opened_at`), and the
record layer turns each hour into the team's local hour and weekday, which stays exact across
daylight-saving changes for zones on whole-hour offsets. Reached as `store.stats.contacts`.

A tag is put on an interaction at or after its open, so the tags of the interactions opened
since `since` were all added since then: the queries by tag read only those tags (index on
`added_at`), with TAG_CLOCK_SKEW to spare for replicas whose clocks differ a little.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ._record_tables import InteractionRow, TagRow
from .reads import Reader
from .sanitize import stored_as

__all__ = ["ContactQueries"]

#: How much earlier than its interaction's open a tag may be stamped (clocks of two replicas).
TAG_CLOCK_SKEW = timedelta(hours=1)


def _hour_bucket(dialect: str) -> Any:
    column = InteractionRow.opened_at
    if dialect == "postgresql":
        return func.date_trunc("hour", func.timezone("UTC", column))
    return func.strftime("%Y-%m-%d %H:00:00", column)


def _as_hour(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


class ContactQueries:
    """Reads for `/stats hours`, `/stats tags` and the dashboard's contacts."""

    def __init__(self, read: Reader) -> None:
        self._read = read

    async def by_hour(
        self, since: datetime, until: datetime, *, tag: str | None = None
    ) -> list[tuple[datetime, int]]:
        """(UTC hour, contacts opened in it) for every hour of [since, until) with any; only
        the interactions tagged `tag` when given. One grouped query."""

        async def read(session: AsyncSession) -> list[tuple[datetime, int]]:
            bucket = _hour_bucket(session.get_bind().dialect.name).label("hour")
            statement = select(bucket, func.count()).where(
                InteractionRow.opened_at >= since, InteractionRow.opened_at < until
            )
            if tag is not None:
                tagged = select(TagRow.interaction_ref).where(
                    TagRow.tag == stored_as(TagRow.tag, tag),
                    TagRow.added_at >= since - TAG_CLOCK_SKEW,
                    TagRow.removed_at.is_(None),
                )
                statement = statement.where(InteractionRow.ref.in_(tagged))
            statement = statement.group_by(bucket)
            rows = (await session.execute(statement)).all()
            return [(_as_hour(hour), int(count)) for hour, count in rows]

        return await self._read(read)

    async def total(self, since: datetime, until: datetime) -> int:
        """Contacts opened in [since, until)."""
        statement = select(func.count()).where(
            InteractionRow.opened_at >= since, InteractionRow.opened_at < until
        )

        async def read(session: AsyncSession) -> int:
            return int(await session.scalar(statement) or 0)

        return await self._read(read)

    async def by_tag(self, since: datetime, until: datetime) -> dict[str, int]:
        """Tag -> interactions opened in [since, until) that carry it (tags removed since
        not counted)."""
        statement = (
            select(TagRow.tag, func.count(func.distinct(TagRow.interaction_ref)))
            .join(InteractionRow, InteractionRow.ref == TagRow.interaction_ref)
            .where(
                InteractionRow.opened_at >= since,
                InteractionRow.opened_at < until,
                TagRow.added_at >= since - TAG_CLOCK_SKEW,
                TagRow.removed_at.is_(None),
            )
            .group_by(TagRow.tag)
        )

        async def read(session: AsyncSession) -> dict[str, int]:
            return {tag: int(count) for tag, count in (await session.execute(statement)).all()}

        return await self._read(read)
