"""Contacts by hour and by tag: `/stats hours` and `/stats tags`, and the dashboard's heatmap.

Hours are the team's local hours (`[stats] time_zone`). A tag rises sharply when its count
reaches `sharp_rise` times the previous period's and at least `sharp_rise_min` contacts.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from supportbot.core.chart import Chart
from supportbot.core.periods import Period
from supportbot.core.stats_settings import StatsSettings
from supportbot.storage import Store

from . import wording as messages

__all__ = ["WEEKDAYS", "HoursReport", "TagRank", "TagsReport", "contact_hours", "contact_tags"]

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HOURS = tuple(f"{hour:02d}" for hour in range(24))


@dataclass(frozen=True)
class HoursReport:
    """Contacts by local hour of day, and by weekday × hour."""

    period: Period
    tag: str | None
    by_hour: list[int]
    grid: list[list[int]]

    @property
    def total(self) -> int:
        """Every contact counted."""
        return sum(self.by_hour)

    @property
    def peak_hour(self) -> int | None:
        """The busiest local hour (None without contacts)."""
        return max(range(24), key=lambda h: self.by_hour[h]) if self.total else None

    def charts(self) -> list[Chart]:
        """A bar chart by hour and a heatmap of weekday × hour."""
        scope = f" tagged {self.tag}" if self.tag else ""
        return [
            Chart(
                title=f"Contacts{scope} by hour of day, last {self.period.label}",
                description=messages.chart_description(
                    "contacts by local hour",
                    [
                        (hour, f"{count:,}")
                        for hour, count in zip(HOURS, self.by_hour, strict=True)
                        if count
                    ],
                ),
                labels=list(HOURS),
                values=[float(count) for count in self.by_hour],
                unit="contacts",
            ),
            Chart(
                kind="heatmap",
                title=f"Contacts{scope} by weekday and hour, last {self.period.label}",
                description=messages.heatmap_description(
                    [(WEEKDAYS[d], sum(row)) for d, row in enumerate(self.grid)]
                ),
                labels=list(HOURS),
                rows=list(WEEKDAYS),
                grid=[[float(v) for v in row] for row in self.grid],
                unit="contacts",
            ),
        ]


async def contact_hours(
    store: Store, config: StatsSettings, period: Period, now: datetime, tag: str | None
) -> HoursReport:
    """Contacts opened in `period` by local hour and weekday (only `tag`'s when given)."""
    since, until = period.window(now)
    by_hour = [0] * 24
    grid = [[0] * 24 for _ in range(7)]
    for hour, count in await store.stats.contacts.by_hour(since, until, tag=tag):
        local = hour.astimezone(config.zone)
        by_hour[local.hour] += count
        grid[local.weekday()][local.hour] += count
    return HoursReport(period, tag, by_hour, grid)


@dataclass(frozen=True)
class TagRank:
    """One tag in a period, against the period before."""

    tag: str
    count: int
    previous: int
    sharp_rise: bool

    @property
    def change(self) -> str:
        """`+40%`, `-10%`, `new`, `0%`."""
        if self.previous == 0:
            return "new" if self.count else "0%"
        return f"{(self.count - self.previous) / self.previous:+.0%}"

    @property
    def line(self) -> str:
        """`payment/failed: 12 (+50% vs 8) ⚠ sharp rise`."""
        rise = " ⚠ sharp rise" if self.sharp_rise else ""
        return f"{self.tag}: {self.count:,} ({self.change} vs {self.previous:,}){rise}"


@dataclass(frozen=True)
class TagsReport:
    """Tags of the period's contacts, ranked."""

    period: Period
    contacts: int
    rows: list[TagRank]
    #: The tags of the reason group (`[record] reason_group`, #resolution/...): how contacts
    #: ended, not why they came, so ranked apart.
    endings: list[TagRank] = field(default_factory=list)

    def chart(self, *, bars: int = 12) -> Chart:
        """A bar chart of the busiest tags."""
        shown = self.rows[:bars]
        return Chart(
            title=f"Why people contacted us, last {self.period.label}",
            description=messages.chart_description(
                "contacts per tag", [(row.tag, f"{row.count:,}") for row in shown]
            ),
            labels=[row.tag for row in shown],
            values=[float(row.count) for row in shown],
            unit="contacts",
        )


async def contact_tags(
    store: Store, config: StatsSettings, period: Period, now: datetime, ending_group: str = ""
) -> TagsReport:
    """Tags ranked by contacts in `period`, with the change against the period before; the
    tags of `ending_group` (how a contact ended) ranked apart."""
    since, until = period.window(now)
    before_since, before_until = period.previous(now)
    current, previous, contacts = await asyncio.gather(
        store.stats.contacts.by_tag(since, until),
        store.stats.contacts.by_tag(before_since, before_until),
        store.stats.contacts.total(since, until),
    )
    rows = [
        TagRank(
            tag,
            count,
            previous.get(tag, 0),
            sharp_rise=count >= config.sharp_rise_min
            and count >= config.sharp_rise * max(previous.get(tag, 0), 1),
        )
        for tag, count in current.items()
    ]
    rows.sort(key=lambda row: (-row.count, row.tag))
    reasons: list[TagRank] = []
    endings: list[TagRank] = []
    for row in rows:
        ended = bool(ending_group) and row.tag.startswith(f"{ending_group}/")
        (endings if ended else reasons).append(row)
    return TagsReport(period, contacts, reasons, endings)
