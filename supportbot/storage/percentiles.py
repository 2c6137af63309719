"""Exact nearest-rank percentiles per group, on both databases, in the same GROUP BY.

The p-th percentile by nearest rank is the smallest value with at least p % of the group's
values at or below it (`nearest_rank`). PostgreSQL computes it inside the GROUP BY
(`percentile_disc`, an ordered-set aggregate that sorts each group's numbers only). SQLite has
no such aggregate, and ranking with window functions sorted the period's rows once per window
(2.6 s for a month of a large team's contacts); there the same GROUP BY hands each group's
numbers over as one text (`group_concat` of `printf('%!.17g')`, which gives every double back
exactly) and Python sorts and ranks them.

    query = PercentileQuery(dialect, where=..., values={"d": column})
    select(key, func.count(), *query.columns("d", (50, 90))).where(...).group_by(key)
    p50, p90 = query.ranked(row[2:4], (50, 90))
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, case, func, null, text
from sqlalchemy.ext.asyncio import AsyncSession

__all__ = [
    "REPORT_WORK_MEM",
    "PercentileQuery",
    "nearest_rank",
    "report_sorts_in_memory",
]

#: The sort memory one report query may use on PostgreSQL (its default, 4MB, sends a week of a
#: large team's audit trail to disk: 150 ms instead of 90). Only for this transaction.
REPORT_WORK_MEM = "32MB"


def nearest_rank(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile by nearest rank (the smallest value with at least p % at or below
    it); None without values. p50 is the median; no interpolation, so it is a real value."""
    return _ranked(sorted(values), p)


def _ranked(ordered: Sequence[float], p: float) -> float | None:
    if not ordered:
        return None
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


async def report_sorts_in_memory(session: AsyncSession) -> str:
    """Let this transaction's sorts use REPORT_WORK_MEM on PostgreSQL; the dialect's name."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        await session.execute(text(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'"))
    return dialect


@dataclass(frozen=True)
class PercentileQuery:
    """Percentiles of `values` (label -> column) per group over the rows matching `where`."""

    dialect: str
    where: Sequence[Any]
    values: Mapping[str, Any] = field(default_factory=dict)

    @property
    def in_sql(self) -> bool:
        """Whether the database ranks them itself (PostgreSQL)."""
        return self.dialect == "postgresql"

    def columns(
        self, name: str, ps: Sequence[int], *, ranked: bool = True
    ) -> list[ColumnElement[Any]]:
        """`len(ps)` columns for the GROUP BY's select: the percentiles (PostgreSQL), or the
        group's numbers as text and NULLs (SQLite); read them back with `ranked`. Without
        `ranked`, NULLs (the percentiles are not wanted)."""
        value = self.values[name]
        if not ranked:
            return [null() for _ in ps]
        if self.in_sql:
            return [func.percentile_disc(p / 100).within_group(value) for p in ps]
        text_of = case((value.is_not(None), func.printf("%!.17g", value)))
        return [func.group_concat(text_of), *(null() for _ in ps[1:])]

    def ranked(self, cells: Sequence[Any], ps: Sequence[int]) -> list[float | None]:
        """The percentiles `ps` from the cells `columns` gave, in order (None when left out):
        as PostgreSQL ranked them, or ranked here from the group's numbers (SQLite)."""
        if self.in_sql or all(cell is None for cell in cells):
            return [None if cell is None else float(cell) for cell in cells]
        ordered = sorted(float(v) for v in cells[0].split(","))
        return [_ranked(ordered, p) for p in ps]
