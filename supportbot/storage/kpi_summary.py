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

from dataclasses import dataclass
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
from .percentiles import PercentileRows, report_sorts_in_memory
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


async def kpi_summary(
    read: Reader,
    since: datetime,
    until: datetime,
    *,
    now: datetime,
    by: GroupBy = None,
    team: bool = True,
) -> KpiSummary:
    """The KPIs of the interactions opened in [since, until): the team's (unless `team` is
    False), and one row per group of `by`, most contacts first. On PostgreSQL one query
    (GROUPING SETS) reads the period once for both."""

    async def run(session: AsyncSession) -> KpiSummary:
        dialect = await report_sorts_in_memory(session)
        if by is None or (team and dialect == "postgresql"):
            rows = (await session.execute(_statement(dialect, since, until, now, by, team))).all()
            found = [_group(row) for row in rows if row[3]]
            whole = next((g for g in found if g.whole), None)
            return KpiSummary(whole, [g for g in found if not g.whole])
        grouped = (await session.execute(_statement(dialect, since, until, now, by))).all()
        whole = None
        if team:
            rows = (await session.execute(_statement(dialect, since, until, now, None))).all()
            whole = next((_group(row) for row in rows if row[3]), None)
        return KpiSummary(whole, [_group(row) for row in grouped if row[3]])

    return await read(run)


def _statement(
    dialect: str,
    since: datetime,
    until: datetime,
    now: datetime,
    by: GroupBy,
    team: bool = False,
) -> Select[Any]:
    """One row per group of `by` (the team's alone when None); with `team` as well, on
    PostgreSQL, the team's row too (GROUPING SETS)."""
    i = InteractionRow
    column = {"channel": i.channel, "agent": i.agent_id}.get(by or "")
    groups: list[Any] = [column] if column is not None else []
    rows = PercentileRows.of(
        dialect,
        [
            (column if column is not None else literal_column("''")).label("key"),
            i.agent_name,
            i.first_response_s,
            i.resolution_s,
            i.closed_at,
            i.csat,
            _state(i.sla_first_response, i.first_response_due_at, now).label("first"),
            _state(i.sla_resolution, i.resolution_due_at, now).label("resolution"),
        ],
        (i.opened_at >= since, i.opened_at < until),
        groups,
        {"first_response_s": i.first_response_s, "resolution_s": i.resolution_s},
    )
    r = rows.c
    contacts = func.count()
    key: Any
    whole: Any
    if not groups:
        key, whole = literal_column("''"), literal_column("1")
    elif team:
        key, whole = r.key, func.grouping(r.key)
    else:
        key, whole = r.key, literal_column("0")
    statement = select(
        key,
        whole,
        func.max(r.agent_name),
        contacts,
        func.count(r.first_response_s),
        func.count(r.closed_at),
        rows.percentile("first_response_s", 50),
        rows.percentile("first_response_s", 90),
        rows.percentile("resolution_s", 50),
        rows.percentile("resolution_s", 90),
        _count(r.first == SLA_MET),
        _count(r.first == SLA_BREACHED),
        _count(r.first == SLA_PENDING),
        _count(r.resolution == SLA_MET),
        _count(r.resolution == SLA_BREACHED),
        _count(r.resolution == SLA_PENDING),
        func.count(r.csat),
        _count(r.csat >= SATISFIED),
    )
    if groups and team:
        statement = statement.group_by(func.grouping_sets(tuple_(r.key), tuple_()))
    elif groups:  # else one row for the team (a count of 0 when nothing was opened)
        statement = statement.group_by(r.key)
    return statement.order_by(contacts.desc(), key) if groups else statement


def _seconds(value: Any) -> float | None:
    return None if value is None else float(value)


def _group(row: Any) -> KpiGroup:
    counts = [int(value or 0) for value in row[10:18]]
    whole = bool(row[1])
    return KpiGroup(
        key="" if whole else str(row[0]),
        whole=whole,
        agent_name=str(row[2] or "") if not whole else "",
        contacts=int(row[3]),
        answered=int(row[4]),
        closed=int(row[5]),
        first_response_p50_s=_seconds(row[6]),
        first_response_p90_s=_seconds(row[7]),
        resolution_p50_s=_seconds(row[8]),
        resolution_p90_s=_seconds(row[9]),
        first_met=counts[0],
        first_breached=counts[1],
        first_pending=counts[2],
        resolution_met=counts[3],
        resolution_breached=counts[4],
        resolution_pending=counts[5],
        rated=counts[6],
        satisfied=counts[7],
    )
