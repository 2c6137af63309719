"""What the dashboard shows: every panel, in page order, built from one round of queries.

Every number comes from the reports `/stats` uses (`supportbot.record.insight`, the QA desk,
the known issues), so the page and the chat never disagree. Every panel passes through
`masked_panel` before it is kept: the dashboard shows no phone number or email.

This module holds the panels about the bot's own work (time saved, command runs, service
health) and `build_panels`; `dashboard_record` holds the ones about customers.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from supportbot.core.formatting import format_duration
from supportbot.core.periods import Period
from supportbot.record.insight import CommandReport, Insight, ServiceReport
from supportbot.record.qa_desk import qa_figures

from .dashboard_model import Figure, Panel, Table, masked_panel
from .dashboard_record import (
    contacts_panel,
    csat_panel,
    first_response_panel,
    known_issues_panel,
    qa_panel,
    reasons_panel,
    sla_panel,
)

__all__ = ["Figure", "Panel", "Table", "build_panels"]

#: The hours heatmap's period: `/stats hours`'s default, a month, as the teams set hours from.
HOURS_PERIOD = Period.days(30)
WEEK = Period.days(7)
DAY = Period.days(1)


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
    store, today_window = insight.store, insight.today()
    try:
        async with asyncio.TaskGroup() as group:  # nine queries at once, typed one by one
            today = group.create_task(insight.commands(DAY, window=today_window))
            week = group.create_task(insight.commands(WEEK))
            day = group.create_task(insight.services(DAY))
            hours = group.create_task(insight.hours(HOURS_PERIOD))
            tags = group.create_task(insight.tags(WEEK))
            kpi_today = group.create_task(insight.kpis(DAY, window=today_window))
            kpi_week = group.create_task(insight.kpis(WEEK))
            qa = group.create_task(qa_figures(store))
            active = group.create_task(store.incidents.active())
    except ExceptionGroup as failed:  # as gather would: the first failure, e.g. StorageUnavailable
        raise failed.exceptions[0] from None
    zone = insight.config.zone
    k_today, k_week = kpi_today.result(), kpi_week.result()
    panels = [
        contacts_panel(k_today, k_week, hours.result(), zone.key),
        known_issues_panel(active.result(), zone),
        reasons_panel(tags.result()),
        first_response_panel(k_today, k_week, insight.kpi_method),
        sla_panel(k_today, k_week),
        csat_panel(k_today, k_week),
        _time_saved(today.result(), week.result()),
        _commands(today.result(), week.result()),
        qa_panel(qa.result()),
        _services(day.result()),
    ]
    region = insight.settings.phone_region
    return insight.now(), [masked_panel(panel, region) for panel in panels]
