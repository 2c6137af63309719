"""The KPIs of a period's interactions, computed by the database: one grouped query, whatever
the period's size.

    rows = await store.kpi.summary(since, until, now=now)                  # one row: the team
    rows = await store.kpi.summary(since, until, now=now, by="channel")    # a row per channel
    rows = await store.kpi.summary(since, until, now=now, by="agent")      # a row per agent

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

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from ._record_tables import InteractionRow
from .percentiles import PercentileRows, report_sorts_in_memory
from .reads import Reader

__all__ = ["SLA_BREACHED", "SLA_MET", "SLA_PENDING", "KpiGroup", "kpi_summary"]

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


async def kpi_summary(
    read: Reader, since: datetime, until: datetime, *, now: datetime, by: GroupBy = None
) -> list[KpiGroup]:
    """The KPIs of the interactions opened in [since, until), one row per group of `by` (the
    whole team when None), most contacts first; no row when nothing was opened."""

    async def run(session: AsyncSession) -> list[KpiGroup]:
        statement = _statement(await report_sorts_in_memory(session), since, until, now, by)
        rows = (await session.execute(statement)).all()
        return [_group(row) for row in rows if row[2]]

    return await read(run)


def _statement(
    dialect: str, since: datetime, until: datetime, now: datetime, by: GroupBy
) -> Select[Any]:
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
    statement = select(
        r.key if groups else literal_column("''"),
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
    if groups:  # else one row for the team (a count of 0 when nothing was opened)
        statement = statement.group_by(r.key).order_by(contacts.desc(), r.key)
    return statement


def _seconds(value: Any) -> float | None:
    return None if value is None else float(value)


def _group(row: Any) -> KpiGroup:
    counts = [int(value or 0) for value in row[9:17]]
    return KpiGroup(
        key=str(row[0]),
        agent_name=str(row[1] or ""),
        contacts=int(row[2]),
        answered=int(row[3]),
        closed=int(row[4]),
        first_response_p50_s=_seconds(row[5]),
        first_response_p90_s=_seconds(row[6]),
        resolution_p50_s=_seconds(row[7]),
        resolution_p90_s=_seconds(row[8]),
        first_met=counts[0],
        first_breached=counts[1],
        first_pending=counts[2],
        resolution_met=counts[3],
        resolution_breached=counts[4],
        resolution_pending=counts[5],
        rated=counts[6],
        satisfied=counts[7],
    )
