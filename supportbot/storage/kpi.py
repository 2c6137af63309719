"""The KPIs' and the QA review's store: CSAT ratings, the interactions of a period, the weekly
sample and its reviews. Reached as `store.kpi`.

    await store.kpi.rate("I-7K3QX2", 5, by="U0AGENT", at=now)   # None: rated; else the earlier
    rows = await store.kpi.interactions(since, until)           # opened in the window
    await store.kpi.save_sample(sample, reviews)                # False: the week was drawn

Decisions the database must make (one rating per interaction, one sample per week, one review
per sampled interaction) are conditional writes run as jobs of the one write path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from ._qa_tables import QaReviewRow, QaSampleRow
from ._record_rows import Interaction, from_row
from ._record_tables import InteractionRow, TagRow
from .changes import insert_statement
from .kpi_summary import GroupBy, KpiGroup, kpi_percentiles, kpi_summary
from .reads import Reader
from .sanitize import clean_text, field_values, sanitized_row
from .writer import Writer

__all__ = ["KpiStore", "QaReview", "QaSample"]

SAMPLES: Table = QaSampleRow.__table__  # type: ignore[assignment]
REVIEWS: Table = QaReviewRow.__table__  # type: ignore[assignment]
INTERACTIONS: Table = InteractionRow.__table__  # type: ignore[assignment]


@dataclass(frozen=True, kw_only=True)
class QaSample:
    """A week's drawn sample: the seed that reproduces it, and its goal (reviews asked for)."""

    week: str
    seed: int
    drawn_at: datetime
    drawn_by: str
    goal: int


@dataclass(frozen=True, kw_only=True)
class QaReview:
    """One sampled interaction and its review (`Q-<id>`); `scores` None until reviewed."""

    week: str
    interaction_ref: str
    agent_id: str
    reason: str
    reviewer_id: str
    agent_name: str = ""
    id: int | None = None
    scores: dict[str, Any] | None = None
    comment: str | None = None
    reviewed_at: datetime | None = None
    acknowledged_at: datetime | None = None

    @property
    def ref(self) -> str:
        """`Q-12`: what `/qa review` takes."""
        return f"Q-{self.id}"


class KpiStore:
    """Ratings, KPI reads and the QA review. Reached as `store.kpi`."""

    def __init__(self, read: Reader, writer: Writer) -> None:
        self._read = read
        self._writer = writer

    # --- CSAT --------------------------------------------------------------------------------

    async def rate(self, ref: str, score: int, *, by: str, at: datetime) -> Interaction | None:
        """Record the rating of interaction `ref` unless it has one: None when recorded, else
        the interaction as it was (rated already, or None-less lookup: see `interaction`)."""
        ref, by = clean_text(ref), clean_text(by)

        async def rate_once(connection: AsyncConnection) -> Interaction | None:
            changed = await connection.execute(
                update(INTERACTIONS)
                .where(INTERACTIONS.c.ref == ref, INTERACTIONS.c.csat.is_(None))
                .values(csat=score, csat_at=at, csat_by=by)
            )
            if changed.rowcount:
                return None
            found = (
                await connection.execute(select(InteractionRow).where(InteractionRow.ref == ref))
            ).first()
            if found is None:
                raise LookupError(ref)
            return from_row(Interaction, found)

        return await self._writer.run(rate_once)

    # --- reading the record ------------------------------------------------------------------

    async def interactions(
        self, since: datetime, until: datetime, *, by_close: bool = False
    ) -> list[Interaction]:
        """Interactions opened (or, `by_close`, closed) in [since, until), oldest first."""
        column = InteractionRow.closed_at if by_close else InteractionRow.opened_at
        statement = (
            select(InteractionRow)
            .where(column >= since, column < until)
            .order_by(column, InteractionRow.ref)
        )

        async def read(session: AsyncSession) -> list[Interaction]:
            rows = (await session.scalars(statement)).all()
            return [from_row(Interaction, row) for row in rows]

        return await self._read(read)

    async def summary(
        self,
        since: datetime,
        until: datetime,
        *,
        now: datetime,
        by: GroupBy,
        ranked: bool = True,
    ) -> list[KpiGroup]:
        """The KPIs of the interactions opened in [since, until), computed by the database,
        one row per channel or agent (`by`). See `kpi_summary`."""
        return await kpi_summary(self._read, since, until, now=now, by=by, ranked=ranked)

    async def percentiles(
        self, since: datetime, until: datetime
    ) -> tuple[list[float | None], list[float | None]]:
        """The team's first response and resolution p50 and p90 in [since, until)."""
        return await kpi_percentiles(self._read, since, until)

    async def first_tags(self, refs: Sequence[str]) -> dict[str, str]:
        """The first tag still on each interaction of `refs` (what the sample spreads over)."""
        wanted = [clean_text(ref) for ref in refs]

        async def read(session: AsyncSession) -> dict[str, str]:
            first: dict[str, str] = {}
            for start in range(0, len(wanted), 500):
                statement = (
                    select(TagRow.interaction_ref, TagRow.tag)
                    .where(
                        TagRow.interaction_ref.in_(wanted[start : start + 500]),
                        TagRow.removed_at.is_(None),
                    )
                    .order_by(TagRow.added_at, TagRow.key)
                )
                for ref, tag in (await session.execute(statement)).all():
                    first.setdefault(str(ref), str(tag))
            return first

        return await self._read(read)

    # --- the QA sample -----------------------------------------------------------------------

    async def sample(self, week: str) -> QaSample | None:
        """The week's drawn sample, or None when it was not drawn yet."""

        async def read(session: AsyncSession) -> QaSample | None:
            row = await session.get(QaSampleRow, clean_text(week))
            return from_row(QaSample, row) if row is not None else None

        return await self._read(read)

    async def latest(self) -> QaSample | None:
        """The last week drawn, or None."""
        statement = select(QaSampleRow).order_by(QaSampleRow.week.desc()).limit(1)

        async def read(session: AsyncSession) -> QaSample | None:
            row = await session.scalar(statement)
            return from_row(QaSample, row) if row is not None else None

        return await self._read(read)

    async def save_sample(self, sample: QaSample, reviews: Sequence[QaReview]) -> bool:
        """Store the week's sample and its reviews in one transaction; False (nothing stored)
        when the week was drawn already."""
        head = sanitized_row(SAMPLES, field_values(sample), keys=("week",))
        rows = [
            sanitized_row(REVIEWS, {k: v for k, v in field_values(r).items() if k != "id"})
            for r in reviews
        ]

        async def save(connection: AsyncConnection) -> bool:
            try:
                async with connection.begin_nested():
                    await connection.execute(insert_statement(SAMPLES), head)
            except IntegrityError:
                return False
            if rows:
                await connection.execute(insert_statement(REVIEWS), rows)
            return True

        return await self._writer.run(save)

    async def reviews(
        self,
        *,
        week: str | None = None,
        reviewer_id: str | None = None,
        agent_id: str | None = None,
        waiting: bool | None = None,
        limit: int = 500,
    ) -> list[QaReview]:
        """Reviews, oldest first: of a week, a reviewer or an agent; `waiting` True for the
        ones not reviewed yet, False for the reviewed ones."""
        statement = select(QaReviewRow)
        if week is not None:
            statement = statement.where(QaReviewRow.week == clean_text(week))
        if reviewer_id is not None:
            statement = statement.where(QaReviewRow.reviewer_id == clean_text(reviewer_id))
        if agent_id is not None:
            statement = statement.where(QaReviewRow.agent_id == clean_text(agent_id))
        if waiting is not None:
            done = QaReviewRow.reviewed_at
            statement = statement.where(done.is_(None) if waiting else done.is_not(None))
        statement = statement.order_by(QaReviewRow.id).limit(limit)

        async def read(session: AsyncSession) -> list[QaReview]:
            return [from_row(QaReview, row) for row in (await session.scalars(statement)).all()]

        return await self._read(read)

    async def review(self, review_id: int) -> QaReview | None:
        """Review `Q-<review_id>`, or None."""

        async def read(session: AsyncSession) -> QaReview | None:
            row = await session.get(QaReviewRow, review_id)
            return from_row(QaReview, row) if row is not None else None

        return await self._read(read)

    async def score(
        self, review_id: int, *, scores: dict[str, int | None], comment: str, at: datetime
    ) -> bool:
        """Record the review's scorecard, once: False when it was reviewed already."""
        text = sanitized_row(REVIEWS, {"comment": comment})["comment"]
        return await self._set_once(
            review_id,
            REVIEWS.c.reviewed_at,
            {"scores": scores, "comment": text, "reviewed_at": at},
        )

    async def acknowledge(self, review_id: int, *, at: datetime) -> bool:
        """Mark the review seen by its agent, once: False when acknowledged already."""
        return await self._set_once(review_id, REVIEWS.c.acknowledged_at, {"acknowledged_at": at})

    async def _set_once(self, review_id: int, unset: Any, values: dict[str, Any]) -> bool:
        async def set_once(connection: AsyncConnection) -> bool:
            changed = await connection.execute(
                update(REVIEWS).where(REVIEWS.c.id == review_id, unset.is_(None)).values(**values)
            )
            return bool(changed.rowcount)

        return await self._writer.run(set_once)
