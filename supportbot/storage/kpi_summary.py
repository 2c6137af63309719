"""The KPIs of a period's interactions, computed by the database: one grouped query, whatever
the period's size.

    found = await store.kpi.summary(since, until, now=now)                 # .team
    found = await store.kpi.summary(since, until, now=now, by="channel")   # .team, .groups
    found = await store.kpi.summary(since, until, now=now, by="agent", team=False)

Per group: contacts, how many were answered and closed, the p50 and p90 of the business seconds
to the first reply and to the close (exact nearest rank, as `/stats commands` computes its
durations: window functions, the same SQL on SQLite and PostgreSQL), the SLA clocks met,
breached and still running (a running clock past its due time at `now` counts as breached), and
the CSAT ratings with their 4s and 5s. Reading a year of a large team's week as rows into
Python took seconds; this reads a row per group.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Final, Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    func,
    literal,
    literal_column,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession

from ._record_tables import InteractionRow
from .percentiles import PercentileQuery, pick, report_sorts_in_memory
from .reads import Reader

__all__ = ["SLA_BREACHED", "SLA_MET", "SLA_PENDING", "KpiGroup", "KpiSummary", "kpi_summary"]

#: The states an SLA clock is recorded in (`record.sla` decides them).
SLA_MET: Final = "met"
SLA_BREACHED: Final = "breached"
SLA_PENDING: Final = "pending"
#: A rating at or above this is a satisfied customer (CSAT: the share of 4s and 5s).
SATISFIED = 4

GroupBy = Literal["channel", "agent"] | None


@dataclass(frozen=True, kw_only=True)
class KpiGroup:
    """The KPIs of one group of interactions (business seconds; None when none to count)."""

    key: str
    #: The whole team's row (key "").
    whole: bool = False
    agent_name: str = ""
    contacts: int
    answered: int
    closed: int
    first_response_p50_s: float | None
    first_response_p90_s: float | None
    resolution_p50_s: float | None
    resolution_p90_s: float | None
    first_met: int
    first_breached: int
    first_pending: int
    resolution_met: int
    resolution_breached: int
    resolution_pending: int
    rated: int
    satisfied: int


def _state(state: Any, due: Any, now: datetime) -> ColumnElement[Any]:
    """The clock's state as a report shows it at `now`: running past due is breached."""
    return case((and_(state == SLA_PENDING, due < now), literal(SLA_BREACHED)), else_=state)


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


@dataclass(frozen=True)
class KpiSummary:
    """The team's KPIs (None when nothing was opened) and, when grouped, each group's."""

    team: KpiGroup | None
    groups: list[KpiGroup]


#: The percentiles of the KPIs: the median and the 90th.
KPI_PERCENTILES = (50, 90)


async def kpi_summary(
    read: Reader,
    since: datetime,
    until: datetime,
    *,
    now: datetime,
    by: GroupBy = None,
    team: bool = True,
    rank_groups: bool = True,
) -> KpiSummary:
    """The KPIs of the interactions opened in [since, until): the team's (unless `team` is
    False), and one row per group of `by`, most contacts first; without `rank_groups` the
    groups' percentiles are left out (None).

    On PostgreSQL GROUPING SETS gives the team's row beside the groups' in one pass; when the
    groups need no percentiles, the groups' counts come from a hash aggregate and the team's
    percentiles from a second, ungrouped query (no sort by group: 40 % less at a month of a
    large team). On SQLite one pass: the team's counts are the groups' added up, its
    percentiles ranked from all their numbers."""

    async def run(session: AsyncSession) -> KpiSummary:
        i = InteractionRow
        column = {"channel": i.channel, "agent": i.agent_id}.get(by or "")
        query = PercentileQuery(
            await report_sorts_in_memory(session),
            where=(i.opened_at >= since, i.opened_at < until),
            values={"first_response_s": i.first_response_s, "resolution_s": i.resolution_s},
        )
        both = team and column is not None
        if both and query.in_sql and not rank_groups:
            counted = _statement(query, column, now, grouping_sets=False, ranked=False)
            alone = _statement(query, None, now, grouping_sets=False)
            groups = [_group(row, query) for row in (await session.execute(counted)).all()]
            whole = next((_group(r, query) for r in (await session.execute(alone)) if r[3]), None)
            return KpiSummary(whole, groups)
        statement = _statement(query, column, now, grouping_sets=both and query.in_sql)
        rows = [row for row in (await session.execute(statement)).all() if row[3]]
        found = [_group(row, query) for row in rows]
        whole = next((g for g in found if g.whole), None)
        groups = [g for g in found if not g.whole]
        if both and not query.in_sql and rows:
            whole = _team_of(groups, rows, query)
        return KpiSummary(whole if team else None, groups)

    return await read(run)


def _statement(
    query: PercentileQuery,
    column: Any,
    now: datetime,
    *,
    grouping_sets: bool,
    ranked: bool = True,
) -> Select[Any]:
    """One row per group (the team's alone without a column); with `grouping_sets`, the
    team's row too, in the same pass (PostgreSQL); without `ranked`, no percentiles."""
    i = InteractionRow
    first = _state(i.sla_first_response, i.first_response_due_at, now)
    resolution = _state(i.sla_resolution, i.resolution_due_at, now)
    contacts = func.count()
    key: Any = column if column is not None else literal_column("''")
    whole: Any = literal_column("1") if column is None else literal_column("0")
    if grouping_sets:
        whole = func.grouping(column)
    statement = select(
        key,
        whole,
        func.max(i.agent_name),
        contacts,
        func.count(i.first_response_s),
        func.count(i.closed_at),
        *query.columns("first_response_s", KPI_PERCENTILES, ranked=ranked),
        *query.columns("resolution_s", KPI_PERCENTILES, ranked=ranked),
        _count(first == SLA_MET),
        _count(first == SLA_BREACHED),
        _count(first == SLA_PENDING),
        _count(resolution == SLA_MET),
        _count(resolution == SLA_BREACHED),
        _count(resolution == SLA_PENDING),
        func.count(i.csat),
        _count(i.csat >= SATISFIED),
    ).where(*query.where)
    if column is None:  # one row for the team (a count of 0 when nothing was opened)
        return statement
    if grouping_sets:
        statement = statement.group_by(func.grouping_sets(tuple_(column), tuple_()))
    else:
        statement = statement.group_by(column)
    return statement.order_by(contacts.desc(), column)


def _team_of(groups: list[KpiGroup], rows: list[Any], query: PercentileQuery) -> KpiGroup:
    """The team's row on SQLite: every count of the groups added up, the percentiles ranked
    from all their numbers."""
    counted = [f.name for f in fields(KpiGroup) if f.type in ("int", int)]
    totals = {name: sum(getattr(g, name) for g in groups) for name in counted}
    first = sorted(v for row in rows for v in query.numbers(row[6:8]))
    resolution = sorted(v for row in rows for v in query.numbers(row[8:10]))
    (f50, f90), (r50, r90) = pick(first, KPI_PERCENTILES), pick(resolution, KPI_PERCENTILES)
    return KpiGroup(key="", whole=True, first_response_p50_s=f50, first_response_p90_s=f90,
                    resolution_p50_s=r50, resolution_p90_s=r90, **totals)  # fmt: skip


def _group(row: Any, query: PercentileQuery) -> KpiGroup:
    counts = [int(value or 0) for value in row[10:18]]
    whole = bool(row[1])
    first = query.ranked(row[6:8], KPI_PERCENTILES)
    resolution = query.ranked(row[8:10], KPI_PERCENTILES)
    return KpiGroup(
        key="" if whole else str(row[0]),
        whole=whole,
        agent_name=str(row[2] or "") if not whole else "",
        contacts=int(row[3]),
        answered=int(row[4]),
        closed=int(row[5]),
        first_response_p50_s=first[0],
        first_response_p90_s=first[1],
        resolution_p50_s=resolution[0],
        resolution_p90_s=resolution[1],
        first_met=counts[0],
        first_breached=counts[1],
        first_pending=counts[2],
        resolution_met=counts[3],
        resolution_breached=counts[4],
        resolution_pending=counts[5],
        rated=counts[6],
        satisfied=counts[7],
    )
