"""/stats: what the team's numbers say — command runs and time saved, services, and (with the
support record) contacts by hour and tag, agents and QA.

Every duration is a median (p50) or a high percentile (p90, p95), never a mean.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from supportbot import Chart, Context, Period, Reply, Section, command, insight_of

if TYPE_CHECKING:
    from supportbot import Insight

View = Literal["commands", "services"]
DEFAULT_PERIOD = {"commands": Period.days(7), "services": Period.days(1)}
CHART_BARS = 12


def duration(ms: float | None, *, estimated: bool = False) -> str:
    """`320 ms`, `1.4 s`; `~` in front of an estimate; `—` when there is none."""
    if ms is None:
        return "—"
    mark = "~" if estimated else ""
    if ms < 10:
        return f"{mark}{ms:.1f} ms"
    return f"{mark}{ms:,.0f} ms" if ms < 1000 else f"{mark}{ms / 1000:,.1f} s"


def plural_runs(count: int) -> str:
    """`1 run`, `1,240 runs`."""
    return f"{count:,} run{'' if count == 1 else 's'}"


@command(
    "stats",
    help="The team's numbers: command runs and time saved, internal services",
    examples=("/stats commands 7d", "/stats services 1d"),
)
async def stats(ctx: Context, view: View, period: Period | None = None) -> Reply:
    """Runs by command and outcome with p50/p95 durations and the time the bot saved
    (`commands`, default 7d), or calls, errors and p95 by internal service (`services`,
    default 1d).

    view: what to count: commands or services
    period: how far back: 24h, 7d, 30d, 2w (at most 366d)
    """
    insight = insight_of(ctx)
    window = period or DEFAULT_PERIOD[view]
    if view == "services":
        return await _services(insight, window)
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
                f"p50 {duration(row.p50_ms)} · p90 {duration(row.p90_ms)} · "
                f"p95 {duration(row.p95_ms)}"
                for row in report.rows
            ],
        )
    )
    reply.sections.append(Section(title="Time saved", text=report.saved.method))
    runs: dict[str, int] = {}
    for row in report.rows:
        name = f"/{row.command}" if row.command else "(other)"
        runs[name] = runs.get(name, 0) + row.runs
    top = sorted(runs.items(), key=lambda item: -item[1])[:CHART_BARS]
    reply.charts.append(
        Chart(
            title=f"Runs by command, last {period.label}",
            description=f"Bar chart of runs per command in the last {period.label}: "
            + ", ".join(f"{name} {count:,}" for name, count in top)
            + ".",
            labels=[name for name, _ in top],
            values=[float(count) for _, count in top],
            unit="runs",
        )
    )
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
                f"({row.error_rate:.1%}) · p50 {duration(row.p50_ms, estimated=True)} · "
                f"p95 {duration(row.p95_ms, estimated=True)}"
                for row in report.rows
            ]
        )
    )
    shown = report.rows[:CHART_BARS]
    reply.charts.append(
        Chart(
            title=f"p95 latency by service, last {period.label}",
            description=f"Bar chart of each service's estimated 95th percentile latency in "
            f"the last {period.label}: "
            + ", ".join(f"{row.service} {duration(row.p95_ms)}" for row in shown)
            + ".",
            labels=[row.service for row in shown],
            values=[row.p95_ms or 0.0 for row in shown],
            unit="ms",
        )
    )
    reply.footer = (
        "Every replica's calls, written each minute. Errors exclude 404s. p50/p95 are estimated "
        "inside the latency histogram's buckets (~), as Prometheus does."
    )
    return reply
