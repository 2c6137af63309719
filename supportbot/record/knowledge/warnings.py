"""Early warnings: `/warn "<what you see>" [#tag]`, one message per tag and window, counted up.

The first report about a tag is posted to `warning_channel`, mentioning `warning_mention`; a
later one within `warning_window_min` of the tag's last report adds to the same warning and
edits that message (Slack: chat.update) to show the new count. Without a poster (the terminal)
or a channel, the warning is recorded all the same and the sender is told so.

The bot suggests a warning itself (`spike_suggestions`) when a tag's contacts in the last hour
exceed `warning_spike_factor` times its usual level for that hour of the week: the mean of the
same hour in the `warning_spike_weeks` weeks before, read from the record.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from supportbot.core.knowledge_settings import KnowledgeSettings
from supportbot.core.posting import ChannelPoster
from supportbot.core.reply import Reply
from supportbot.storage import EarlyWarning, Store

from . import wording as messages

__all__ = ["Spike", "WarningOutcome", "raise_warning", "spike_suggestions", "warning_message"]

log = logging.getLogger("supportbot.record")

#: The longest "what you see" a warning keeps (a Slack message is for reading at a glance).
TEXT_LIMIT = 500


@dataclass(frozen=True)
class WarningOutcome:
    """What `/warn` did: the warning after it, whether this report opened it, and whether the
    channel has the current count (posted, or edited)."""

    warning: EarlyWarning
    opened: bool
    delivered: bool
    channel: str | None


def warning_message(warning: EarlyWarning, latest: list[tuple[str, datetime]]) -> Reply:
    """The channel's message of `warning`: what was seen, by whom, and how many reports."""
    reply = Reply(
        title=messages.warning_title(warning.ref, warning.tag),
        text=warning.text,
        footer=messages.warning_footer(warning.reports, warning.opened_by, warning.opened_at),
    )
    if warning.reports > 1:
        reply.section("Latest reports").items += [
            messages.warning_report_line(by, at) for by, at in latest
        ]
    return reply


async def _deliver(
    store: Store, poster: ChannelPoster, settings: KnowledgeSettings, warning: EarlyWarning
) -> bool:
    channel = settings.warning_channel
    assert channel is not None
    latest = await store.warnings.reports_of(warning.id) if warning.reports > 1 else []
    message = warning_message(warning, latest)
    mention = settings.warning_mention
    if warning.message_ts and warning.channel:
        return await poster.update(warning.channel, warning.message_ts, message, mention=mention)
    ts = await poster.post(channel, message, mention=mention)
    if ts is None:
        return False
    await store.warnings.set_message(warning.id, channel, ts)
    # A report that came while this post was on its way counted up a warning with no message
    # to edit yet: show its count now.
    after = await store.warnings.get(warning.id)
    if after is not None and after.reports != warning.reports:
        latest = await store.warnings.reports_of(warning.id)
        await poster.update(channel, ts, warning_message(after, latest), mention=mention)
    return True


async def raise_warning(
    store: Store,
    poster: ChannelPoster | None,
    settings: KnowledgeSettings,
    *,
    text: str,
    tag: str | None,
    by: str,
    request_id: str,
    now: datetime,
    source: str = "agent",
) -> WarningOutcome:
    """Record one report and post (or edit) the warning's message; see the module's docstring."""
    report = await store.warnings.report(
        tag=tag,
        text=text[:TEXT_LIMIT],
        by=by,
        request_id=request_id,
        at=now,
        window=timedelta(minutes=settings.warning_window_min),
        source=source,
    )
    warning = report.warning
    channel = settings.warning_channel
    delivered = False
    if poster is not None and channel is not None:
        delivered = await _deliver(store, poster, settings, warning)
    return WarningOutcome(warning, report.opened, delivered, channel)


@dataclass(frozen=True)
class Spike:
    """A tag whose contacts in the last hour are well above its usual level for the hour."""

    tag: str
    count: int
    usual: float


async def spikes(store: Store, settings: KnowledgeSettings, now: datetime) -> list[Spike]:
    """The tags over `warning_spike_factor` times their usual level in the hour before `now`."""
    hour = timedelta(hours=1)
    current = await store.stats.contacts.by_tag(now - hour, now)
    candidates = {t: n for t, n in current.items() if n >= settings.warning_spike_min}
    if not candidates:
        return []
    weeks = settings.warning_spike_weeks
    totals = dict.fromkeys(candidates, 0)
    for week in range(1, weeks + 1):
        back = timedelta(days=7 * week)
        before = await store.stats.contacts.by_tag(now - hour - back, now - back)
        for tag in totals:
            totals[tag] += before.get(tag, 0)
    found = []
    for tag, count in sorted(candidates.items()):
        usual = totals[tag] / weeks
        # A tag never seen at this hour counts as one contact usually: a first burst of five
        # is worth a look, a first single one is not.
        if count > settings.warning_spike_factor * max(usual, 1.0):
            found.append(Spike(tag, count, usual))
    return found


async def spike_suggestions(
    store: Store, poster: ChannelPoster | None, settings: KnowledgeSettings, now: datetime
) -> list[Spike]:
    """Suggest a warning for each spiking tag without a warning in the window (posted to the
    warning channel, or logged); the spikes suggested."""
    window = timedelta(minutes=settings.warning_window_min)
    suggested = []
    for spike in await spikes(store, settings, now):
        if await store.warnings.recent(now - window, tag=spike.tag):
            continue  # the team knows already
        reply = Reply(
            title=messages.spike_title(spike.tag),
            text=messages.spike_text(spike.tag, spike.count, spike.usual, now),
        )
        channel = settings.warning_channel
        posted = None
        if poster is not None and channel is not None:
            posted = await poster.post(channel, reply)
        if posted is None:
            log.warning("%s", messages.spike_text(spike.tag, spike.count, spike.usual, now))
        suggested.append(spike)
    return suggested
