"""The scheduled jobs of a bot (each run on one replica through a lease; see `scheduler`).

- `daily-share`: at `[knowledge] share_at` (the `[stats]` time zone), one interaction of the
  day before to `share_channel` (see `knowledge.share`);
- `warning-suggestions`: once an hour, a suggested warning for each tag whose contacts in the
  last hour are far above its usual level (see `knowledge.warnings`).

Both post through the adapter's poster, so only a bot that has one (Slack) schedules them: a
terminal sharing the database must not take the lease and leave the day unposted.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol

from supportbot.core.posting import ChannelPoster
from supportbot.core.settings import Settings, knowledge_settings, stats_settings
from supportbot.storage import Store

from .knowledge.share import share_day
from .knowledge.warnings import spike_suggestions
from .scheduler import LeasedJob, daily_at, hourly

__all__ = ["SCHEDULE_NAME", "daily_share_job", "scheduled_jobs", "warning_suggestion_job"]

#: Who the record says ran a scheduled share.
SCHEDULE_NAME = "the daily schedule"


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
    """The jobs `bot` schedules (none without a database, or without a poster)."""
    if bot.store is None or bot.poster is None:
        return []
    return [
        daily_share_job(bot.store, bot.poster, bot.settings),
        warning_suggestion_job(bot.store, bot.poster, bot.settings),
    ]
