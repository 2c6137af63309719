"""The scheduled jobs of a bot (each run on one replica through a lease; see `scheduler`).

- `daily-share`: at `[knowledge] share_at` (the `[stats]` time zone), one interaction of the
  day before to `share_channel` (see `knowledge.share`);
- `warning-suggestions`: once an hour, a suggested warning for each tag whose contacts in the
  last hour are far above its usual level (see `knowledge.warnings`).

Both post through the adapter's poster, so only a bot that has one (Slack) schedules them: a
terminal sharing the database must not take the lease and leave the day unposted.

- `qa-sample`: each week, on `[kpi.qa] weekday` at `hour`, the QA sample of the week that
  ended (see `qa_sample`); every bot with a database schedules it.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from supportbot.core.kpi_settings import WEEKDAYS
from supportbot.core.posting import ChannelPoster
from supportbot.core.settings import Settings, knowledge_settings, kpi_settings, stats_settings
from supportbot.storage import Store

from .knowledge.share import share_day
from .knowledge.warnings import spike_suggestions
from .qa_sample import draw_week
from .scheduler import LeasedJob, daily_at, hourly, weekly_after
from .service_rollup import replica_name

__all__ = ["SCHEDULE_NAME", "daily_share_job", "scheduled_jobs", "warning_suggestion_job"]

#: Who the record says ran a scheduled share.
SCHEDULE_NAME = "the daily schedule"

log = logging.getLogger("supportbot.schedule")


class _Bot(Protocol):
    @property
    def settings(self) -> Settings: ...

    @property
    def poster(self) -> ChannelPoster | None: ...

    store: Store | None


def daily_share_job(store: Store, poster: ChannelPoster | None, settings: Settings) -> LeasedJob:
    """The daily share, due at `share_at` local time; a run that picked a share but could not
    post it fails, so the next tick tries again (the period is marked done only once posted)."""
    knowledge = knowledge_settings(settings)
    zone = stats_settings(settings).zone
    hour, minute = knowledge.share_time

    async def run(period: str) -> None:
        done = await share_day(
            store,
            poster,
            knowledge,
            today=date.fromisoformat(period),
            zone=zone,
            region=settings.phone_region,
            by=SCHEDULE_NAME,
        )
        wanted = poster is not None and knowledge.share_channel is not None
        if done.share is not None and wanted and not done.delivered:
            raise RuntimeError(f"the share of {period} was not posted to {knowledge.share_channel}")

    return LeasedJob("daily-share", period_of=daily_at(hour, zone=zone, minute=minute), run=run)


def warning_suggestion_job(
    store: Store, poster: ChannelPoster | None, settings: Settings
) -> LeasedJob:
    """Once an hour: suggest a warning for each tag far above its usual level."""
    knowledge = knowledge_settings(settings)

    async def run(period: str) -> None:
        await spike_suggestions(store, poster, knowledge, datetime.now(UTC))

    return LeasedJob("warning-suggestions", period_of=hourly, run=run)


def scheduled_jobs(bot: _Bot) -> list[LeasedJob]:
    """The jobs `bot` schedules (none without a database): the weekly QA sample, drawn on
    `[kpi.qa] weekday` at `hour` (business time zone) for the week that ended; with a poster
    (Slack), the daily share and the early-warning suggestions."""
    store = bot.store
    if store is None:
        return []
    kpi = kpi_settings(bot.settings)
    zone = ZoneInfo(kpi.business_hours.time_zone)
    holder = replica_name()

    async def draw(week: str) -> None:
        sample, reviews = await draw_week(store, kpi, week, by=holder)
        log.info("QA sample of %s: %d reviews (seed %d)", week, len(reviews), sample.seed)

    due = weekly_after(WEEKDAYS.index(kpi.qa.weekday), hour=kpi.qa.hour, zone=zone)
    jobs = [LeasedJob("qa-sample", period_of=due, run=draw)]
    if bot.poster is not None:
        jobs.append(daily_share_job(store, bot.poster, bot.settings))
        jobs.append(warning_suggestion_job(store, bot.poster, bot.settings))
    return jobs
