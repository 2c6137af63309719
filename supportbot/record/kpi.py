"""Support KPIs over the interactions of a period: first response and resolution time (business
hours, medians and p90s, never means), SLA % per clock and channel, CSAT as the share of 4s and
5s next to the response rate, and the same per agent.

    figures = kpi_figures(interactions, now)        # what /stats kpi and the dashboard show
    agents = agent_figures(interactions, now)       # /stats agents, leads only

Pure functions of the rows (`store.kpi.interactions`), so a hand computation and the code can
be compared on a fixture.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from supportbot.core.chart import Chart
from supportbot.storage import Interaction

from . import wording as messages
from .sla import BREACHED, MET, PENDING, state_at

__all__ = [
    "AgentFigures",
    "AgentsReport",
    "Csat",
    "KpiFigures",
    "SlaCount",
    "agent_figures",
    "agents_chart",
    "kpi_figures",
    "nearest_rank",
]

#: A rating at or above this is a satisfied customer (CSAT is the share of 4s and 5s).
SATISFIED = 4


def nearest_rank(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile by nearest rank (the smallest value with at least p % at or below
    it); None without values. p50 is the median; no interpolation, so it is a real value."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


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

    def add(self, state: str | None) -> SlaCount:
        """This count with one more clock in `state` (None: no target, not counted)."""
        if state == MET:
            return SlaCount(self.met + 1, self.breached, self.pending)
        if state == BREACHED:
            return SlaCount(self.met, self.breached + 1, self.pending)
        if state == PENDING:
            return SlaCount(self.met, self.breached, self.pending + 1)
        return self


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


def _csat(interactions: Iterable[Interaction]) -> Csat:
    rated = satisfied = closed = 0
    for interaction in interactions:
        closed += interaction.closed_at is not None
        if interaction.csat is not None:
            rated += 1
            satisfied += interaction.csat >= SATISFIED
    return Csat(rated, satisfied, closed)


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


def kpi_figures(interactions: Sequence[Interaction], now: datetime) -> KpiFigures:
    """The KPIs of `interactions` as they stand at `now` (a pending clock past due counts as
    breached)."""
    first = [i.first_response_s for i in interactions if i.first_response_s is not None]
    resolved = [i.resolution_s for i in interactions if i.resolution_s is not None]
    first_sla, resolution_sla = SlaCount(), SlaCount()
    by_channel: dict[str, tuple[SlaCount, SlaCount]] = {}
    for i in interactions:
        frt = state_at(i.sla_first_response, i.first_response_due_at, now)
        res = state_at(i.sla_resolution, i.resolution_due_at, now)
        first_sla, resolution_sla = first_sla.add(frt), resolution_sla.add(res)
        channel_first, channel_res = by_channel.get(i.channel, (SlaCount(), SlaCount()))
        by_channel[i.channel] = (channel_first.add(frt), channel_res.add(res))
    return KpiFigures(
        contacts=len(interactions),
        first_response_p50_s=nearest_rank(first, 50),
        first_response_p90_s=nearest_rank(first, 90),
        resolution_p50_s=nearest_rank(resolved, 50),
        resolution_p90_s=nearest_rank(resolved, 90),
        first_response_sla=first_sla,
        resolution_sla=resolution_sla,
        by_channel=dict(sorted(by_channel.items())),
        csat=_csat(interactions),
        answered=len(first),
        closed=len(resolved),
    )


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


def agent_figures(interactions: Sequence[Interaction], now: datetime) -> list[AgentFigures]:
    """Per agent, most contacts first (then by name)."""
    groups: dict[str, list[Interaction]] = {}
    for interaction in interactions:
        groups.setdefault(interaction.agent_id, []).append(interaction)
    rows = []
    for agent_id, theirs in groups.items():
        figures = kpi_figures(theirs, now)
        name = next((i.agent_name for i in theirs if i.agent_name), agent_id)
        rows.append(
            AgentFigures(
                agent_id=agent_id,
                agent_name=name,
                contacts=figures.contacts,
                first_response_p50_s=figures.first_response_p50_s,
                first_response_p90_s=figures.first_response_p90_s,
                first_response_sla=figures.first_response_sla,
                csat=figures.csat,
            )
        )
    return sorted(rows, key=lambda row: (-row.contacts, row.agent_name))
