"""Stats over the audit trail and the service rollups: what `/stats`, the dashboard and the App
Home show, computed once here so every place shows the same numbers.

    insight = Insight(store, settings, registry)
    report = await insight.commands(Period.days(7))     # runs by command/outcome, time saved
    services = await insight.services(Period.days(1))   # calls, errors, p95 by service
    kpis = await insight.kpis(Period.days(7))           # first response, SLA %, CSAT
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from supportbot.core.chart import Chart
from supportbot.core.formatting import format_duration
from supportbot.core.periods import Period
from supportbot.core.registry import CommandRegistry
from supportbot.core.settings import Settings, StatsSettings, kpi_settings, stats_settings
from supportbot.services.metrics import SERVICE_BUCKETS
from supportbot.storage import CommandStats, ServiceStats, Store

from . import wording as messages
from .contact_insight import HoursReport, TagsReport, contact_hours, contact_tags
from .kpi import AgentsReport, KpiFigures, agents_of, kpis_of
from .settings import record_settings

__all__ = ["CommandReport", "Insight", "ServiceReport", "TimeSaved", "time_saved"]

#: The most bars a chart shows (the rest are in the table beside it).
CHART_BARS = 12


@dataclass(frozen=True)
class TimeSaved:
    """What the bot saved in a period, against the configured baseline."""

    lookups: int
    actions: int
    baseline_minutes: float
    bot_minutes: float

    @property
    def hours(self) -> float:
        """Hours saved: every lookup and action × (baseline − with the bot)."""
        return (self.lookups + self.actions) * (self.baseline_minutes - self.bot_minutes) / 60

    @property
    def method(self) -> str:
        """How the figure is made, in one sentence (shown next to it, always)."""
        return messages.time_saved_method(self.baseline_minutes, self.bot_minutes)

    def sentence(self, period: Period) -> str:
        """`this week: 1,240 lookups and 85 actions; at 8.75 → 1.3 min each, about 165 hours
        saved`."""
        return messages.time_saved(period.label, self)


def time_saved(
    rows: Sequence[CommandStats], registry: CommandRegistry, config: StatsSettings
) -> TimeSaved:
    """Time saved from a period's command stats: successful runs about a customer, counted as
    actions when the command is a declared action, as lookups otherwise."""
    lookups = actions = 0
    for row in rows:
        if row.outcome != "ok" or not row.about_customer or row.command is None:
            continue
        spec = registry.get(row.command)
        if spec is not None and spec.action:
            actions += row.about_customer
        else:
            lookups += row.about_customer
    return TimeSaved(lookups, actions, config.baseline_minutes, config.bot_minutes)


@dataclass(frozen=True)
class CommandReport:
    """`/stats commands`: runs by command and outcome, and the time they saved."""

    period: Period
    since: datetime
    until: datetime
    rows: list[CommandStats]
    saved: TimeSaved

    @property
    def runs(self) -> int:
        """Every run in the period."""
        return sum(row.runs for row in self.rows)

    def runs_by_command(self) -> list[tuple[str, int]]:
        """(`/command`, runs) of every outcome added up, most runs first."""
        runs: dict[str, int] = {}
        for row in self.rows:
            name = f"/{row.command}" if row.command else "(not a command)"
            runs[name] = runs.get(name, 0) + row.runs
        return sorted(runs.items(), key=lambda item: (-item[1], item[0]))

    def chart(self, title: str, *, bars: int = CHART_BARS) -> Chart:
        """A bar chart of runs per command (the `bars` busiest)."""
        top = self.runs_by_command()[:bars]
        return Chart(
            title=title,
            description=messages.chart_description(
                "runs per command", [(name, f"{count:,}") for name, count in top]
            ),
            labels=[name for name, _ in top],
            values=[float(count) for _, count in top],
            unit="runs",
        )


@dataclass(frozen=True)
class ServiceReport:
    """`/stats services`: calls, errors and latency by internal service."""

    period: Period
    since: datetime
    until: datetime
    rows: list[ServiceStats]

    def chart(self, title: str, *, bars: int = CHART_BARS) -> Chart:
        """A bar chart of each service's estimated p95 latency (the `bars` busiest)."""
        shown = self.rows[:bars]
        return Chart(
            title=title,
            description=messages.chart_description(
                "each service's estimated 95th percentile latency",
                [(row.service, format_duration(row.p95_ms)) for row in shown],
            ),
            labels=[row.service for row in shown],
            values=[row.p95_ms or 0.0 for row in shown],
            unit="ms",
        )


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Insight:
    """The stats of one bot: its store, settings and commands."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        registry: CommandRegistry,
        *,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.store = store
        self.settings = settings
        self.registry = registry
        self.config = stats_settings(settings)
        self.kpi_config = kpi_settings(settings)
        #: The tag group that says how a contact ended (`[record] reason_group`), not why.
        self.ending_group = record_settings(settings).reason_group
        self._now = now

    def now(self) -> datetime:
        """The time the stats count back from (a clock tests can set)."""
        return self._now()

    def today(self) -> tuple[datetime, datetime]:
        """(since, until) of today so far, from midnight in the team's time zone."""
        now = self.now()
        local = now.astimezone(self.config.zone)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        return midnight.astimezone(UTC), now

    async def commands(
        self, period: Period, *, window: tuple[datetime, datetime] | None = None
    ) -> CommandReport:
        """Runs by command and outcome in `period` (or in `window`, e.g. `today()`), with
        p50/p90/p95, and the time saved."""
        since, until = window or period.window(self.now())
        rows = await self.store.stats.commands(since, until)
        saved = time_saved(rows, self.registry, self.config)
        return CommandReport(period, since, until, rows, saved)

    async def hours(self, period: Period, tag: str | None = None) -> HoursReport:
        """Contacts by local hour, and weekday × hour, in `period` (only `tag`'s if given)."""
        return await contact_hours(self.store, self.config, period, self.now(), tag)

    async def tags(self, period: Period) -> TagsReport:
        """Tags of the period's contacts, ranked, with the change against the period before
        (the reason group's, how contacts ended, apart)."""
        return await contact_tags(self.store, self.config, period, self.now(), self.ending_group)

    async def kpis(
        self, period: Period, *, window: tuple[datetime, datetime] | None = None
    ) -> KpiFigures:
        """First response, resolution, SLA % and CSAT of the interactions opened in `period`
        (or `window`), as they stand now."""
        since, until = window or period.window(self.now())
        return await kpis_of(self.store, since, until, self.now())

    @property
    def kpi_method(self) -> str:
        """How the KPIs are made, in a few sentences (shown next to them)."""
        return messages.kpi_method(self.kpi_config.business_hours.time_zone)

    async def agents(self, period: Period) -> AgentsReport:
        """Contacts, first response and CSAT per agent, of the interactions opened in `period`."""
        since, until = period.window(self.now())
        return AgentsReport(await agents_of(self.store, since, until, self.now()))

    async def services(
        self, period: Period, *, window: tuple[datetime, datetime] | None = None
    ) -> ServiceReport:
        """Calls, errors and estimated p50/p90/p95 by service in `period` (or `window`),
        every replica's."""
        since, until = window or period.window(self.now())
        rows = await self.store.stats.services(since, until, SERVICE_BUCKETS)
        return ServiceReport(period, since, until, rows)
