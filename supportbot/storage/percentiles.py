"""Exact nearest-rank percentiles inside a GROUP BY, on both databases.

The p-th percentile by nearest rank is the smallest value with at least p % of the group's
values at or below it (`record.kpi.nearest_rank` in Python). PostgreSQL computes it itself
(`percentile_disc`, an ordered-set aggregate that sorts each group's numbers only; a window
over the whole period sorted every row and spilled to disk at a week of a large team's audit
trail). SQLite has no such aggregate, so there each value is ranked inside its group by a
window function, and the percentile is the first value whose rank reaches p %.

    rows = PercentileRows.of(dialect, [col.label("a"), ...], where, groups, {"a": col})
    select(rows.c.key, func.count(), rows.percentile("a", 50)).group_by(rows.c.key)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, FromClause, and_, case, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["REPORT_WORK_MEM", "PercentileRows", "report_sorts_in_memory"]

#: The sort memory one report query may use on PostgreSQL (its default, 4MB, sends a week of a
#: large team's audit trail to disk: 150 ms instead of 90). Only for this transaction.
REPORT_WORK_MEM = "32MB"


async def report_sorts_in_memory(session: AsyncSession) -> str:
    """Let this transaction's sorts use REPORT_WORK_MEM on PostgreSQL; the dialect's name."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        await session.execute(text(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'"))
    return dialect


@dataclass(frozen=True)
class PercentileRows:
    """The rows of a period as a subquery of labelled columns, ready for percentiles."""

    rows: FromClause
    #: PostgreSQL: `percentile_disc`; otherwise the subquery carries `<name>_rank`, `<name>_n`.
    ordered_set: bool

    @classmethod
    def of(
        cls,
        dialect: str,
        columns: Sequence[Any],
        where: Sequence[Any],
        groups: Sequence[Any],
        values: Mapping[str, Any],
    ) -> PercentileRows:
        """`columns` (labelled) of the rows matching `where`; `values` names the columns whose
        percentiles will be asked for (label -> the expression), `groups` the GROUP BY's
        expressions."""
        if dialect == "postgresql":
            return cls(select(*columns).where(*where).subquery(), ordered_set=True)
        ranks: list[Any] = []
        for name, value in values.items():
            partition = (*groups, value.is_(None))  # NULLs ranked apart, never counted
            ranks.append(
                func.row_number().over(partition_by=partition, order_by=value).label(f"{name}_rank")
            )
            ranks.append(func.count().over(partition_by=partition).label(f"{name}_n"))
        return cls(select(*columns, *ranks).where(*where).subquery(), ordered_set=False)

    @property
    def c(self) -> Any:
        """The subquery's columns, by label."""
        return self.rows.c

    def percentile(self, name: str, p: int) -> ColumnElement[Any]:
        """The nearest-rank p-th percentile of the column labelled `name` in each group."""
        value = self.c[name]
        if self.ordered_set:
            return func.percentile_disc(p / 100).within_group(value)
        rank, n = self.c[f"{name}_rank"], self.c[f"{name}_n"]
        return func.min(case((and_(value.is_not(None), rank * 100 >= n * p), value)))
