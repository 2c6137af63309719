"""The scheduled jobs of a bot (each run on one replica through a lease; see `scheduler`)."""

from __future__ import annotations

import logging
from typing import Protocol
from zoneinfo import ZoneInfo

from supportbot.core.kpi_settings import WEEKDAYS
from supportbot.core.settings import Settings, kpi_settings
from supportbot.storage import Store

from .qa_sample import draw_week
from .scheduler import LeasedJob, weekly_after
from .service_rollup import replica_name

__all__ = ["scheduled_jobs"]

log = logging.getLogger("supportbot.schedule")


class _Bot(Protocol):
    @property
    def settings(self) -> Settings: ...

    store: Store | None


def scheduled_jobs(bot: _Bot) -> list[LeasedJob]:
    """The jobs `bot` schedules (none without a database): the weekly QA sample, drawn on
    `[kpi.qa] weekday` at `hour` (business time zone) for the week that ended."""
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
    return [LeasedJob("qa-sample", period_of=due, run=draw)]
