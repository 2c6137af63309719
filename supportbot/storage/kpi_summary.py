"""The KPIs of a period's interactions, computed by the database: one grouped query, whatever
the period's size.

    channels = await store.kpi.summary(since, until, now=now, by="channel", ranked=False)
    agents = await store.kpi.summary(since, until, now=now, by="agent")
    first, resolution = await store.kpi.percentiles(since, until)   # the team's p50, p90

Per group: contacts, how many were answered and closed, the p50 and p90 of the business seconds
to the first reply and to the close (exact nearest rank, as `/stats commands` computes its
durations: `storage.percentiles`), the SLA clocks met,
breached and still running (a running clock past its due time at `now` counts as breached), and
the CSAT ratings with their 4s and 5s. Reading a year of a large team's week as rows into
Python took seconds; this reads a row per group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    func,
    literal,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from ._record_tables import InteractionRow
from .percentiles import PercentileQuery, report_sorts_in_memory
from .reads import Reader

__all__ = ["SLA_BREACHED", "SLA_MET", "SLA_PENDING", "KpiGroup", "kpi_percentiles", "kpi_summary"]

#: The states an SLA clock is recorded in (`record.sla` decides them).
SLA_MET: Final = "met"
SLA_BREACHED: Final = "breached"
SLA_PENDING: Final = "pending"
#: A rating at or above this is a satisfied customer (CSAT: the share of 4s and 5s).
SATISFIED = 4

GroupBy = Literal["channel", "agent"]


@dataclass(frozen=True, kw_only=True)
class KpiGroup:
    """The KPIs of one group of interactions (business seconds; None when none to count)."""

    key: str
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


#: The percentiles of the KPIs: the median and the 90th.
KPI_PERCENTILES = (50, 90)


async def kpi_summary(
    read: Reader,
    since: datetime,
    until: datetime,
    *,
    now: datetime,
    by: GroupBy,
    ranked: bool = True,
) -> list[KpiGroup]:
    """The KPIs of the interactions opened in [since, until), one row per channel or agent,
    most contacts first. Without `ranked` the percentiles are left out (None): the counts
    alone are a hash aggregate, no sort."""

    async def run(session: AsyncSession) -> list[KpiGroup]:
        i = InteractionRow
        column = i.channel if by == "channel" else i.agent_id
        query = _query(await report_sorts_in_memory(session), since, until)
        first = _state(i.sla_first_response, i.first_response_due_at, now)
        resolution = _state(i.sla_resolution, i.resolution_due_at, now)
        contacts = func.count()
        statement = (
            select(
                column,
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
            )
            .where(*query.where)
            .group_by(column)
            .order_by(contacts.desc(), column)
        )
        return [_group(row, query) for row in (await session.execute(statement)).all()]

    return await read(run)


async def kpi_percentiles(
    read: Reader, since: datetime, until: datetime
) -> tuple[list[float | None], list[float | None]]:
    """The team's p50 and p90 of the first response and of the resolution (business seconds)
    of the interactions opened in [since, until): only the ranks, in one ungrouped pass (the
    counts add up from the groups')."""

    async def run(session: AsyncSession) -> tuple[list[float | None], list[float | None]]:
        query = _query(await report_sorts_in_memory(session), since, until)
        statement = select(
            *query.columns("first_response_s", KPI_PERCENTILES),
            *query.columns("resolution_s", KPI_PERCENTILES),
        ).where(*query.where)
        row = (await session.execute(statement)).one()
        width = len(KPI_PERCENTILES)
        return (
            query.ranked(row[:width], KPI_PERCENTILES),
            query.ranked(row[width:], KPI_PERCENTILES),
        )

    return await read(run)


def _query(dialect: str, since: datetime, until: datetime) -> PercentileQuery:
    i = InteractionRow
    return PercentileQuery(
        dialect,
        where=(i.opened_at >= since, i.opened_at < until),
        values={"first_response_s": i.first_response_s, "resolution_s": i.resolution_s},
    )


def _group(row: Any, query: PercentileQuery) -> KpiGroup:
    counts = [int(value or 0) for value in row[9:17]]
    first = query.ranked(row[5:7], KPI_PERCENTILES)
    resolution = query.ranked(row[7:9], KPI_PERCENTILES)
    return KpiGroup(
        key=str(row[0]),
        agent_name=str(row[1] or ""),
        contacts=int(row[2]),
        answered=int(row[3]),
        closed=int(row[4]),
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
