"""What the dashboard shows, as data: panels of headline figures, a table and a chart each.

Every number comes from `supportbot.record.insight`, the same reports `/stats` uses, so the
page and the chat never disagree. Every text passes through `mask_text` before it becomes a
panel: the dashboard shows no phone number or email, whoever looks at it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from supportbot.core.chart import Chart
from supportbot.core.formatting import format_duration
from supportbot.core.masking import mask_text
from supportbot.core.periods import Period
from supportbot.record.insight import CommandReport, Insight, ServiceReport

__all__ = ["Figure", "Panel", "Table", "build_panels"]

WEEK = Period.days(7)
DAY = Period.days(1)


@dataclass(frozen=True)
class Figure:
    """One headline number: `key` (stable, for tests and scripts), label, value, a note."""

    key: str
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class Table:
    """A table of a panel, exported as `<panel id>.csv`."""

    caption: str
    header: Sequence[str]
    rows: Sequence[Sequence[str | int | float]]


@dataclass(frozen=True)
class Panel:
    """One part of the page."""

    id: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    text: str = ""
    table: Table | None = None
    chart: Chart | None = None


def _masked(value: str | int | float, region: str) -> str | int | float:
    return mask_text(value, region) if isinstance(value, str) else value


def masked_panel(panel: Panel, region: str) -> Panel:
    """`panel` with every text masked (figures, table cells, chart labels and alt text)."""
    table = panel.table
    if table is not None:
        table = Table(
            mask_text(table.caption, region),
            [mask_text(name, region) for name in table.header],
            [[_masked(value, region) for value in row] for row in table.rows],
        )
    chart = panel.chart
    if chart is not None:
        chart = chart.model_copy(
            update={
                "title": mask_text(chart.title, region),
                "description": mask_text(chart.description, region),
                "labels": [mask_text(label, region) for label in chart.labels],
                "rows": [mask_text(row, region) for row in chart.rows],
            }
        )
    return Panel(
        id=panel.id,
        title=mask_text(panel.title, region),
        figures=[
            Figure(
                f.key,
                mask_text(f.label, region),
                mask_text(f.value, region),
                mask_text(f.note, region),
            )
            for f in panel.figures
        ],
        text=mask_text(panel.text, region),
        table=table,
        chart=chart,
    )


def _hours(value: float) -> str:
    return f"{value:,.0f} h" if value >= 10 else f"{value:,.1f} h"


def _time_saved(today: CommandReport, week: CommandReport) -> Panel:
    return Panel(
        id="time-saved",
        title="Time saved",
        figures=[
            Figure(
                "time-saved-today",
                "Today",
                _hours(today.saved.hours),
                f"{today.saved.lookups:,} lookups, {today.saved.actions:,} actions",
            ),
            Figure(
                "time-saved-week",
                "Last 7 days",
                _hours(week.saved.hours),
                f"{week.saved.lookups:,} lookups, {week.saved.actions:,} actions",
            ),
        ],
        text=week.saved.method,
    )


def _commands(today: CommandReport, week: CommandReport) -> Panel:
    return Panel(
        id="commands",
        title="Command runs",
        figures=[
            Figure("runs-today", "Runs today", f"{today.runs:,}"),
            Figure("runs-week", "Runs, last 7 days", f"{week.runs:,}"),
        ],
        table=Table(
            "Runs by command and outcome, last 7 days (durations: p50 median, p90, p95)",
            ["command", "outcome", "runs", "p50", "p90", "p95"],
            [
                [
                    f"/{row.command}" if row.command else "(not a command)",
                    row.outcome,
                    row.runs,
                    format_duration(row.p50_ms),
                    format_duration(row.p90_ms),
                    format_duration(row.p95_ms),
                ]
                for row in week.rows
            ],
        ),
        chart=week.chart("Runs by command, last 7 days"),
    )


def _services(day: ServiceReport) -> Panel:
    calls = sum(row.calls for row in day.rows)
    errors = sum(row.errors for row in day.rows)
    return Panel(
        id="services",
        title="Service health",
        figures=[
            Figure("service-calls-day", "Service calls, last 24 hours", f"{calls:,}"),
            Figure(
                "service-errors-day",
                "Errors",
                f"{errors:,}",
                f"{errors / calls:.1%} of calls" if calls else "",
            ),
        ],
        table=Table(
            "Calls by internal service, last 24 hours (latency estimated from histograms)",
            ["service", "calls", "errors", "error rate", "p50", "p95"],
            [
                [
                    row.service,
                    row.calls,
                    row.errors,
                    f"{row.error_rate:.1%}",
                    format_duration(row.p50_ms, estimated=True),
                    format_duration(row.p95_ms, estimated=True),
                ]
                for row in day.rows
            ],
        ),
        chart=day.chart("p95 latency by service, last 24 hours") if day.rows else None,
    )


async def build_panels(insight: Insight) -> tuple[datetime, list[Panel]]:
    """(when, the panels): every query of the page, run concurrently, masked."""
    today, week, day = await asyncio.gather(
        insight.commands(DAY, window=insight.today()),
        insight.commands(WEEK),
        insight.services(DAY),
    )
    panels = [_time_saved(today, week), _commands(today, week), _services(day)]
    region = insight.settings.phone_region
    return insight.now(), [masked_panel(panel, region) for panel in panels]
