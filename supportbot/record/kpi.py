"""Support KPIs over the interactions of a period: first response and resolution time (business
hours, medians and p90s, never means), SLA % per clock and channel, CSAT as the share of 4s and
5s next to the response rate, and the same per agent.

    figures = await kpis_of(store, since, until, now)   # what /stats kpi and the dashboard show
    agents = await agents_of(store, since, until, now)  # /stats agents, leads only

The counting and the percentiles are done by the database (`store.kpi.summary`: a row per
group, whatever the period's size); this module turns its rows into the figures and their words.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from supportbot.core.chart import Chart
from supportbot.storage import KpiGroup, Store, nearest_rank

from . import wording as messages

__all__ = [
    "AgentFigures",
    "AgentsReport",
    "Csat",
    "KpiFigures",
    "SlaCount",
    "agents_chart",
    "agents_of",
    "kpis_of",
    "nearest_rank",
]


@dataclass(frozen=True)
class SlaCount:
    """How many clocks met, breached and are still running within their target."""

    met: int = 0
    breached: int = 0
    pending: int = 0

    @property
    def percent(self) -> float | None:
        """Met out of the decided ones (met + breached), 0-100; None when none is decided."""
        decided = self.met + self.breached
        return 100 * self.met / decided if decided else None


@dataclass(frozen=True)
class Csat:
    """Ratings: how many, how many 4s and 5s, out of how many closed contacts."""

    rated: int
    satisfied: int
    closed: int

    @property
    def percent(self) -> float | None:
        """Share of 4s and 5s among the ratings, 0-100; None without ratings."""
        return 100 * self.satisfied / self.rated if self.rated else None

    @property
    def response_rate(self) -> float | None:
        """Share of closed contacts that were rated, 0-100; None without closed contacts."""
        return 100 * self.rated / self.closed if self.closed else None


@dataclass(frozen=True)
class KpiFigures:
    """The KPIs of a set of interactions (times in business seconds)."""

    contacts: int
    first_response_p50_s: float | None
    first_response_p90_s: float | None
    resolution_p50_s: float | None
    resolution_p90_s: float | None
    first_response_sla: SlaCount
    resolution_sla: SlaCount
    by_channel: dict[str, tuple[SlaCount, SlaCount]]
    csat: Csat
    answered: int = 0
    closed: int = 0

    @property
    def lines(self) -> list[str]:
        """The headline figures, one sentence each."""
        first, resolution, csat = self.first_response_sla, self.resolution_sla, self.csat
        return [
            messages.first_response_line(
                self.first_response_p50_s, self.first_response_p90_s, self.answered
            ),
            messages.resolution_line(self.resolution_p50_s, self.resolution_p90_s, self.closed),
            messages.sla_line("first response", *_parts(first)),
            messages.sla_line("resolution", *_parts(resolution)),
            messages.csat_line(csat.percent, csat.rated, csat.response_rate, csat.closed),
        ]

    @property
    def channel_lines(self) -> list[str]:
        """SLA % per channel, one line each."""
        return [
            messages.channel_sla_line(channel, first.percent, resolution.percent)
            for channel, (first, resolution) in self.by_channel.items()
        ]

    def chart(self, title: str) -> Chart:
        """A bar chart of the first response SLA % per channel."""
        shown = [(c, first.percent) for c, (first, _) in self.by_channel.items()]
        return Chart(
            title=title,
            description=messages.chart_description(
                "first response SLA met per channel",
                [(channel, messages.percent(share)) for channel, share in shown],
            ),
            labels=[channel for channel, _ in shown],
            values=[share or 0.0 for _, share in shown],
            unit="%",
        )


def _parts(count: SlaCount) -> tuple[int, int, int, float | None]:
    return count.met, count.breached, count.pending, count.percent


def _first(group: KpiGroup) -> SlaCount:
    return SlaCount(group.first_met, group.first_breached, group.first_pending)


def _resolution(group: KpiGroup) -> SlaCount:
    return SlaCount(group.resolution_met, group.resolution_breached, group.resolution_pending)


def _csat(group: KpiGroup) -> Csat:
    return Csat(group.rated, group.satisfied, group.closed)


async def kpis_of(store: Store, since: datetime, until: datetime, now: datetime) -> KpiFigures:
    """The KPIs of the interactions opened in [since, until), as they stand at `now` (a
    running clock past due counts as breached): the team's, and SLA % per channel. Two
    queries at once: the counts per channel (the team's are their sum) and the team's ranks."""
    channels, (first, resolution) = await asyncio.gather(
        store.kpi.summary(since, until, now=now, by="channel", ranked=False),
        store.kpi.percentiles(since, until),
    )

    def total(name: str) -> int:
        return sum(int(getattr(channel, name)) for channel in channels)

    return KpiFigures(
        contacts=total("contacts"),
        first_response_p50_s=first[0],
        first_response_p90_s=first[1],
        resolution_p50_s=resolution[0],
        resolution_p90_s=resolution[1],
        first_response_sla=SlaCount(
            total("first_met"), total("first_breached"), total("first_pending")
        ),
        resolution_sla=SlaCount(
            total("resolution_met"), total("resolution_breached"), total("resolution_pending")
        ),
        by_channel={c.key: (_first(c), _resolution(c)) for c in sorted(channels, key=_key)},
        csat=Csat(total("rated"), total("satisfied"), total("closed")),
        answered=total("answered"),
        closed=total("closed"),
    )


def _key(group: KpiGroup) -> str:
    return group.key


@dataclass(frozen=True)
class AgentFigures:
    """One agent's contacts, first response (business seconds) and CSAT."""

    agent_id: str
    agent_name: str
    contacts: int
    first_response_p50_s: float | None
    first_response_p90_s: float | None
    first_response_sla: SlaCount
    csat: Csat

    @property
    def line(self) -> str:
        """The agent's figures in one line."""
        return messages.agent_line(
            self.agent_name,
            self.contacts,
            self.first_response_p50_s,
            self.first_response_p90_s,
            self.first_response_sla.percent,
            self.csat.percent,
            self.csat.rated,
        )


@dataclass(frozen=True)
class AgentsReport:
    """`/stats agents`: the figures of each agent, most contacts first."""

    rows: list[AgentFigures]

    def chart(self, title: str) -> Chart:
        """A bar chart of each agent's median first response, in minutes."""
        return agents_chart(self.rows, title)


def agents_chart(rows: Sequence[AgentFigures], title: str) -> Chart:
    """A bar chart of each agent's median first response, in minutes."""
    return Chart(
        title=title,
        description=messages.chart_description(
            "each agent's median first response (business hours)",
            [(row.agent_name, messages.business_time(row.first_response_p50_s)) for row in rows],
        ),
        labels=[row.agent_name for row in rows],
        values=[(row.first_response_p50_s or 0.0) / 60 for row in rows],
        unit="min",
    )


async def agents_of(
    store: Store, since: datetime, until: datetime, now: datetime
) -> list[AgentFigures]:
    """Per agent, of the interactions opened in [since, until): most contacts first (then by
    name)."""
    rows = [
        AgentFigures(
            agent_id=group.key,
            agent_name=group.agent_name or group.key,
            contacts=group.contacts,
            first_response_p50_s=group.first_response_p50_s,
            first_response_p90_s=group.first_response_p90_s,
            first_response_sla=_first(group),
            csat=_csat(group),
        )
        for group in await store.kpi.summary(since, until, now=now, by="agent")
    ]
    return sorted(rows, key=lambda row: (-row.contacts, row.agent_name))
