"""/stats: what the team's numbers say — command runs and time saved, services, and (with the
support record) contacts by hour and tag, agents and QA.

Every duration is a median (p50) or a high percentile (p90, p95), never a mean.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from supportbot import (
    Context,
    NotAllowed,
    Period,
    Reply,
    Section,
    UsageError,
    command,
    format_duration,
    insight_of,
    qa_of,
)

if TYPE_CHECKING:
    from supportbot import Insight

View = Literal["hours", "tags", "commands", "services", "kpi", "agents", "qa"]
DEFAULT_PERIOD = {
    "hours": Period.days(30),
    "tags": Period.days(7),
    "commands": Period.days(7),
    "services": Period.days(1),
    "kpi": Period.days(7),
    "agents": Period.days(7),
    "qa": Period.days(7),
}


def plural_runs(count: int) -> str:
    """`1 run`, `1,240 runs`."""
    return f"{count:,} run{'' if count == 1 else 's'}"


@command(
    "stats",
    help="The team's numbers: contacts by hour and tag, command runs and time saved, services, "
    "KPIs (first response, SLA %, CSAT) and, for leads, per agent",
    examples=(
        "/stats hours 30d",
        "/stats tags 7d",
        "/stats commands 7d",
        "/stats services 1d",
        "/stats kpi 7d",
        "/stats agents 7d",
        "/stats qa",
    ),
)
async def stats(
    ctx: Context, view: View, period: Period | None = None, tag: str | None = None
) -> Reply:
    """Contacts by hour of day and weekday (`hours`, default 30d, optionally one #tag's), why
    people contact us (`tags`, default 7d, against the period before), runs by command and
    outcome with p50/p95 and the time the bot saved (`commands`, default 7d), or calls,
    errors and p95 by internal service (`services`, default 1d), first response, resolution,
    SLA % and CSAT (`kpi`, default 7d), the same per agent (`agents`, leads only), or the last
    drawn week's QA review: completion against its goal, scores by agent and criterion (`qa`).

    view: what to count: hours, tags, commands, services, kpi, agents or qa
    period: how far back: 24h, 7d, 30d, 2w (at most 366d)
    tag: with hours: only contacts with this tag (#payment/failed)
    """
    if view == "qa":
        if period is not None or tag is not None:
            raise UsageError(
                "The QA review is by week: /stats qa shows the last week drawn.",
                example="/stats qa",
            )
        return await _qa(ctx)
    insight = insight_of(ctx)
    window = period or DEFAULT_PERIOD[view]
    if tag is not None and view != "hours":
        raise UsageError(
            f"A tag ({tag[:40]!r}) narrows /stats hours only.",
            example="/stats hours 30d #payment/failed",
        )
    if view == "hours":
        return await _hours(insight, window, tag.lstrip("#") if tag else None)
    if view == "tags":
        return await _tags(insight, window)
    if view == "services":
        return await _services(insight, window)
    if view == "kpi":
        return await _kpi(insight, window)
    if view == "agents":
        if not ctx.record.is_lead:
            raise NotAllowed(
                "stats agents", ctx.record.settings.tag_editor_roles, ctx.settings.access_help
            )
        return await _agents(insight, window)
    return await _commands(insight, window)


async def _commands(insight: Insight, period: Period) -> Reply:
    report = await insight.commands(period)
    reply = Reply(title=f"Command runs, last {period.label}")
    if not report.rows:
        reply.text = f"No commands were run in the last {period.label}."
        return reply
    reply.text = f"{plural_runs(report.runs)}. Time saved: {report.saved.sentence(period)}."
    reply.sections.append(
        Section(
            title="By command and outcome",
            items=[
                f"/{row.command or '(not a command)'} {row.outcome}: {plural_runs(row.runs)} · "
                f"p50 {format_duration(row.p50_ms)} · p90 {format_duration(row.p90_ms)} · "
                f"p95 {format_duration(row.p95_ms)}"
                for row in report.rows
            ],
        )
    )
    reply.sections.append(Section(title="Time saved", text=report.saved.method))
    reply.charts.append(report.chart(f"Runs by command, last {period.label}"))
    reply.footer = (
        "Durations from the audit trail, from the command received to its answer: p50 is the "
        "median, p90/p95 the 90th/95th percentile (nearest rank)."
    )
    return reply


async def _services(insight: Insight, period: Period) -> Reply:
    report = await insight.services(period)
    reply = Reply(title=f"Internal services, last {period.label}")
    if not report.rows:
        reply.text = (
            f"No service calls were recorded in the last {period.label}. Running bots write "
            "their calls every minute."
        )
        return reply
    reply.sections.append(
        Section(
            items=[
                f"{row.service}: {row.calls:,} calls · {row.errors:,} errors "
                f"({row.error_rate:.1%}) · p50 {format_duration(row.p50_ms, estimated=True)} · "
                f"p95 {format_duration(row.p95_ms, estimated=True)}"
                for row in report.rows
            ]
        )
    )
    reply.charts.append(report.chart(f"p95 latency by service, last {period.label}"))
    reply.footer = (
        "Every replica's calls, written each minute. Errors exclude 404s. p50/p95 are estimated "
        "inside the latency histogram's buckets (~), as Prometheus does."
    )
    return reply


async def _hours(insight: Insight, period: Period, tag: str | None) -> Reply:
    report = await insight.hours(period, tag)
    scope = f" tagged {tag}" if tag else ""
    reply = Reply(title=f"Contacts{scope} by hour, last {period.label}")
    if not report.total:
        reply.text = f"No contacts{scope} were logged in the last {period.label}."
        return reply
    peak = report.peak_hour
    assert peak is not None
    zone = insight.config.time_zone
    reply.text = (
        f"{report.total:,} contacts. Busiest hour: {peak:02d}:00-{peak + 1:02d}:00 ({zone}), "
        f"{report.by_hour[peak]:,} contacts."
    )
    reply.sections.append(
        Section(
            title=f"By hour of day ({zone})",
            items=[
                f"{hour:02d}:00 {count:,}" for hour, count in enumerate(report.by_hour) if count
            ],
        )
    )
    reply.charts += report.charts()
    return reply


async def _tags(insight: Insight, period: Period) -> Reply:
    report = await insight.tags(period)
    reply = Reply(title=f"Why people contacted us, last {period.label}")
    endings = Section(title="How they ended", items=[row.line for row in report.endings])
    if not report.rows:
        reply.text = (
            f"No contacts tagged with a reason in the last {period.label} "
            f"({report.contacts:,} contacts)."
        )
        reply.sections += [endings] if endings.items else []
        return reply
    rising = [row.tag for row in report.rows if row.sharp_rise]
    reply.text = f"{report.contacts:,} contacts; tags ranked, against the {period.label} before."
    if rising:
        reply.text += " Rising sharply: " + ", ".join(rising) + "."
    reply.sections.append(Section(items=[row.line for row in report.rows]))
    reply.sections += [endings] if endings.items else []
    reply.charts.append(report.chart())
    return reply


async def _kpi(insight: Insight, period: Period) -> Reply:
    figures = await insight.kpis(period)
    reply = Reply(title=f"Support KPIs, last {period.label}")
    if not figures.contacts:
        reply.text = f"No interactions were opened in the last {period.label}."
        return reply
    reply.text = f"{figures.contacts:,} interactions opened in the last {period.label}."
    reply.sections.append(Section(items=figures.lines))
    reply.sections.append(Section(title="SLA met by channel", items=figures.channel_lines))
    reply.charts.append(figures.chart(f"First response SLA by channel, last {period.label}"))
    reply.footer = insight.kpi_method
    return reply


async def _agents(insight: Insight, period: Period) -> Reply:
    report = await insight.agents(period)
    rows = report.rows
    reply = Reply(title=f"Agents, last {period.label}")
    if not rows:
        reply.text = f"No interactions were opened in the last {period.label}."
        return reply
    reply.text = f"{len(rows):,} agents handled {sum(r.contacts for r in rows):,} interactions."
    reply.sections.append(Section(items=[row.line for row in rows]))
    reply.charts.append(report.chart(f"Median first response by agent, {period.label}"))
    reply.footer = insight.kpi_method
    return reply


async def _qa(ctx: Context) -> Reply:
    figures = await qa_of(ctx).figures()
    reply = Reply(title="QA review", text=" ".join(figures.lines))
    if figures.sample is None:
        return reply
    reply.title = f"QA review, {figures.sample.week}"
    reply.sections.append(Section(title="By agent", items=figures.table(figures.by_agent)))
    reply.sections.append(Section(title="By criterion", items=figures.table(figures.by_criterion)))
    reply.footer = (
        "Scores 1-4 per criterion (n/a left out): the median, and the share scored 3 or 4."
    )
    return reply
