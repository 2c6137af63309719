"""The daily share: which closed interactions may be shared, and the one shared each day.

Reached as `store.shares`. A day's share is claimed by inserting its row (the day is the key)
before it is posted, so a day is shared once even if two replicas both got past the lease; a
claim whose post did not go out is posted again by the next run, never a second pick.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, and_, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from ._record_rows import Interaction, from_row
from ._record_tables import InteractionRow, NoteRow, TagRow
from ._warning_tables import DailyShareRow
from .changes import Update, insert_statement
from .reads import Reader
from .sanitize import clean_text, sanitized_row
from .writer import Writer

__all__ = ["DailyShare", "Shares"]

SHARES: Table = DailyShareRow.__table__  # type: ignore[assignment]

#: The most candidates one pick looks at (a team closes far fewer contacts in a day).
CANDIDATE_LIMIT = 2000


@dataclass(frozen=True, kw_only=True)
class DailyShare:
    """The share of one day: what was picked, the text posted, and where it went."""

    day: date
    interaction_ref: str
    merchant_id: str
    text: str
    by: str
    claimed_at: datetime
    channel: str | None = None
    message_ts: str | None = None


def _share(row: Any) -> DailyShare:
    return DailyShare(
        day=row.day,
        interaction_ref=row.interaction_ref,
        merchant_id=row.merchant_id,
        text=row.text,
        by=row.by,
        claimed_at=row.claimed_at,
        channel=row.channel,
        message_ts=row.message_ts,
    )


class Shares:
    """Table `daily_shares`, and the record query that finds what may be shared."""

    def __init__(self, read: Reader, writer: Writer) -> None:
        self._read = read
        self._writer = writer

    async def candidates(
        self,
        *,
        closed_since: datetime,
        closed_until: datetime,
        skip_tags: Sequence[str],
        not_shared_since: date,
    ) -> list[Interaction]:
        """Interactions closed in [closed_since, closed_until) about a merchant, with a note
        not retracted, never tagged (nor their merchant) with one of `skip_tags`, whose
        merchant was not shared on or after `not_shared_since`; by ref."""
        noted = exists().where(
            NoteRow.interaction_ref == InteractionRow.ref, NoteRow.retracted_at.is_(None)
        )
        statement = select(InteractionRow).where(
            InteractionRow.closed_at >= closed_since,
            InteractionRow.closed_at < closed_until,
            InteractionRow.merchant_id.is_not(None),
            noted,
            InteractionRow.merchant_id.not_in(
                select(DailyShareRow.merchant_id).where(DailyShareRow.day >= not_shared_since)
            ),
        )
        skip = [clean_text(tag) for tag in skip_tags]
        if skip:
            # ever tagged: a tag taken off again still marks the contact as not for sharing
            private = exists().where(
                TagRow.tag.in_(skip),
                or_(
                    TagRow.interaction_ref == InteractionRow.ref,
                    and_(
                        TagRow.interaction_ref.is_(None),
                        TagRow.merchant_id == InteractionRow.merchant_id,
                    ),
                ),
            )
            statement = statement.where(~private)
        statement = statement.order_by(InteractionRow.ref).limit(CANDIDATE_LIMIT)

        async def read(session: AsyncSession) -> list[Interaction]:
            return [from_row(Interaction, row) for row in (await session.scalars(statement))]

        return await self._read(read)

    async def claim(self, share: DailyShare) -> bool:
        """Claim `share.day` for this share; False when the day was claimed already."""
        row = sanitized_row(
            SHARES,
            {
                "day": share.day,
                "interaction_ref": share.interaction_ref,
                "merchant_id": share.merchant_id,
                "text": share.text,
                "by": share.by,
                "claimed_at": share.claimed_at,
            },
            keys=("interaction_ref", "merchant_id"),
        )

        async def insert(connection: AsyncConnection) -> bool:
            try:
                async with connection.begin_nested():
                    await connection.execute(insert_statement(SHARES), row)
            except IntegrityError:
                return False
            return True

        return await self._writer.run(insert)

    async def of_day(self, day: date) -> DailyShare | None:
        """The share claimed for `day`, or None."""
        statement = select(SHARES).where(DailyShareRow.day == day)

        async def read(session: AsyncSession) -> DailyShare | None:
            row = (await session.execute(statement)).first()
            return _share(row) if row is not None else None

        return await self._read(read)

    async def set_posted(self, day: date, channel: str, ts: str) -> None:
        """Remember where the day's share was posted (its post is then done)."""
        values = sanitized_row(SHARES, {"channel": channel, "message_ts": ts})
        await self._writer.write(Update(SHARES, {"day": day}, values))
