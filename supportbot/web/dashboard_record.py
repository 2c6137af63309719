"""The dashboard's panels about customers: contacts and the hours heatmap, why they contacted us,
first response, SLA %, CSAT, the week's QA review and the active known issues.

Each is made from the same report `/stats` shows (`supportbot.record.insight`, `qa_figures`,
the incidents store), so a number on the page is the number in the chat. Per-agent figures are
left off: the page is for anyone with the token, `/stats agents` is for leads.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from supportbot.record.contact_insight import HOURS, WEEKDAYS, HoursReport, TagsReport
from supportbot.record.kpi import KpiFigures
from supportbot.record.qa_desk import QaFigures
from supportbot.record.wording import business_time, percent
from supportbot.storage import Incident

from .dashboard_model import Figure, Panel, Table

__all__ = [
    "contacts_panel",
    "csat_panel",
    "first_response_panel",
    "known_issues_panel",
    "qa_panel",
    "reasons_panel",
    "sla_panel",
]


def contacts_panel(today: KpiFigures, week: KpiFigures, hours: HoursReport, zone: str) -> Panel:
    """Contacts today and this week; by weekday and hour over the hours report's period."""
    peak = hours.peak_hour
    busiest = (
        Figure(
            "busiest-hour",
            f"Busiest hour, last {hours.period.label}",
            f"{peak:02d}:00-{peak + 1:02d}:00",
            f"{hours.by_hour[peak]:,} of {hours.total:,} contacts ({zone})",
        )
        if peak is not None
        else Figure("busiest-hour", f"Busiest hour, last {hours.period.label}", "—")
    )
    return Panel(
        id="contacts",
        title="Contacts",
        figures=[
            Figure("contacts-today", "Today", f"{today.contacts:,}"),
            Figure("contacts-week", "Last 7 days", f"{week.contacts:,}"),
            busiest,
        ],
        table=Table(
            f"Contacts by weekday and hour ({zone}), last {hours.period.label}",
            ["day", *HOURS, "total"],
            [[WEEKDAYS[day], *row, sum(row)] for day, row in enumerate(hours.grid)],
        ),
        chart=hours.charts()[1] if hours.total else None,
    )


def reasons_panel(tags: TagsReport) -> Panel:
    """Tags of the week's contacts, ranked, against the week before."""
    rising = [row.tag for row in tags.rows if row.sharp_rise]
    top = tags.rows[0] if tags.rows else None
    return Panel(
        id="reasons",
        title="Top reasons",
        figures=[
            Figure(
                "top-reason",
                f"Top reason, last {tags.period.label}",
                top.tag if top else "—",
                f"{top.count:,} of {tags.contacts:,} contacts" if top else "no tagged contacts",
            ),
            Figure("rising", "Rising sharply", ", ".join(rising) or "none"),
        ],
        table=Table(
            f"Contacts per tag, last {tags.period.label}, against the {tags.period.label} before",
            ["tag", "contacts", "before", "change", "sharp rise"],
            [
                [row.tag, row.count, row.previous, row.change, "yes" if row.sharp_rise else ""]
                for row in tags.rows
            ],
        ),
        text=(
            "How they ended (not a reason, so not ranked): "
            + ", ".join(f"{row.tag} {row.count:,}" for row in tags.endings)
            if tags.endings
            else ""
        ),
        chart=tags.chart() if tags.rows else None,
    )


def first_response_panel(today: KpiFigures, week: KpiFigures, method: str) -> Panel:
    """First response and resolution time, business hours, p50 and p90."""

    def times(k: KpiFigures) -> list[str | int | float]:
        return [
            k.answered,
            business_time(k.first_response_p50_s),
            business_time(k.first_response_p90_s),
            k.closed,
            business_time(k.resolution_p50_s),
            business_time(k.resolution_p90_s),
        ]

    return Panel(
        id="first-response",
        title="First response and resolution",
        figures=[
            Figure(
                "first-response-today",
                "First response today (p50)",
                business_time(today.first_response_p50_s),
                f"p90 {business_time(today.first_response_p90_s)}",
            ),
            Figure(
                "first-response-week",
                "First response, last 7 days (p50)",
                business_time(week.first_response_p50_s),
                f"p90 {business_time(week.first_response_p90_s)}, {week.answered:,} answered",
            ),
            Figure(
                "resolution-week",
                "Resolution, last 7 days (p50)",
                business_time(week.resolution_p50_s),
                f"p90 {business_time(week.resolution_p90_s)}, {week.closed:,} closed",
            ),
        ],
        text=method,
        table=Table(
            "Business time to first reply and to close (p50 median, p90)",
            ["period", "answered", "first p50", "first p90", "closed", "close p50", "close p90"],
            [["today", *times(today)], ["last 7 days", *times(week)]],
        ),
    )


def sla_panel(today: KpiFigures, week: KpiFigures) -> Panel:
    """SLA % met, overall and per channel (met out of met + breached; running ones apart)."""
    first, resolution = week.first_response_sla, week.resolution_sla
    return Panel(
        id="sla",
        title="SLA",
        figures=[
            Figure(
                "sla-first-response-today",
                "First response SLA met today",
                percent(today.first_response_sla.percent),
            ),
            Figure(
                "sla-first-response-week",
                "First response SLA met, last 7 days",
                percent(first.percent),
                f"{first.met:,} met, {first.breached:,} breached, {first.pending:,} running",
            ),
            Figure(
                "sla-resolution-week",
                "Resolution SLA met, last 7 days",
                percent(resolution.percent),
                f"{resolution.met:,} met, {resolution.breached:,} breached, "
                f"{resolution.pending:,} running",
            ),
        ],
        table=Table(
            "SLA met per channel, last 7 days",
            [
                "channel",
                "first met",
                "first breached",
                "first %",
                "close met",
                "close breached",
                "close %",
            ],  # fmt: skip
            [
                [
                    channel,
                    f.met,
                    f.breached,
                    percent(f.percent),
                    r.met,
                    r.breached,
                    percent(r.percent),
                ]
                for channel, (f, r) in week.by_channel.items()
            ],
        ),
        chart=week.chart("First response SLA met per channel, last 7 days")
        if week.by_channel
        else None,
    )


def csat_panel(today: KpiFigures, week: KpiFigures) -> Panel:
    """CSAT as the share of 4s and 5s, always beside the response rate."""

    def figure(key: str, label: str, k: KpiFigures) -> Figure:
        csat = k.csat
        return Figure(
            key,
            label,
            percent(csat.percent),
            f"rated 4 or 5, of {csat.rated:,} ratings; response rate "
            f"{percent(csat.response_rate)} of {csat.closed:,} closed",
        )

    return Panel(
        id="csat",
        title="CSAT",
        figures=[
            figure("csat-today", "CSAT today", today),
            figure("csat-week", "CSAT, last 7 days", week),
        ],
    )


def qa_panel(qa: QaFigures) -> Panel:
    """The last drawn week's QA review: completion against its goal, scores by criterion."""
    sample = qa.sample
    if sample is None:
        return Panel(id="qa", title="QA review", text=" ".join(qa.lines))
    share = f"{100 * qa.reviewed / sample.goal:.0f} %" if sample.goal else "—"
    return Panel(
        id="qa",
        title="QA review",
        figures=[
            Figure(
                "qa-completion",
                f"Reviews done, {sample.week}",
                f"{qa.reviewed:,} of {sample.goal:,}",
                share,
            )
        ],
        table=Table(
            f"Scores by criterion, {sample.week} (1-4, n/a left out)",
            ["criterion", "scores", "median", "scored 3 or 4"],
            [
                [name, count, "—" if median is None else f"{median:g}", percent(good)]
                for name, count, median, good in qa.score_rows(qa.by_criterion)
            ],
        ),
    )


def known_issues_panel(active: list[Incident], zone: ZoneInfo) -> Panel:
    """The known issues not yet resolved, newest first."""
    return Panel(
        id="known-issues",
        title="Known issues",
        figures=[Figure("known-issues-active", "Active known issues", f"{len(active):,}")],
        table=Table(
            "Active known issues, newest first",
            ["issue", "title", "status", "since", "services"],
            [
                [
                    issue.ref,
                    issue.title,
                    issue.status,
                    f"{issue.opened_at.astimezone(zone):%Y-%m-%d %H:%M}",
                    ", ".join(issue.services or []),
                ]
                for issue in active
            ],
        ),
    )
