"""Scheduled jobs that run on exactly one replica: the weekly QA sample, a daily share, ...

    job = LeasedJob("qa-sample", period_of=weekly_after(MONDAY, hour=6, zone=zone), run=draw)
    async with running_schedule(store, [job]):
        ...   # while the bot serves

Every replica runs the same schedule. At each tick a replica takes (or renews) the job's lease
(`store.leases`); only the holder runs it, and only for a period not yet marked done, so a week
is sampled once even when the holder stops halfway through the month and another takes over.
A job that fails is logged and tried again at the next tick; a period is marked done only after
its run returned.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from supportbot.storage import StorageUnavailable, Store

from .service_rollup import replica_name

__all__ = ["LeasedJob", "Scheduler", "daily_at", "hourly", "running_schedule", "weekly_after"]

log = logging.getLogger("supportbot.schedule")

TICK_S = 30.0
LEASE_TTL = timedelta(minutes=2)


@dataclass(frozen=True)
class LeasedJob:
    """A job: its lease name, the period due at a time (None: nothing due yet), and the work
    for a period (given the period's key, e.g. `2026-W49`)."""

    name: str
    period_of: Callable[[datetime], str | None]
    run: Callable[[str], Awaitable[None]]


def weekly_after(weekday: int, *, hour: int, zone: ZoneInfo) -> Callable[[datetime], str]:
    """The ISO week before the current one, due from `weekday` (0 = Monday) at `hour` local
    time: e.g. Monday 06:00 samples the week that just ended."""

    def period_of(now: datetime) -> str:
        local = now.astimezone(zone)
        start_of_week = (local - timedelta(days=local.weekday())).date()
        due = datetime.combine(start_of_week + timedelta(days=weekday), time(hour), zone)
        week_start = start_of_week - timedelta(days=7 if local >= due else 14)
        year, week, _ = week_start.isocalendar()
        return f"{year}-W{week:02d}"

    return period_of


def daily_at(hour: int, *, zone: ZoneInfo, minute: int = 0) -> Callable[[datetime], str | None]:
    """Today (local date), due from `hour`:`minute` local time; None before it."""

    def period_of(now: datetime) -> str | None:
        local = now.astimezone(zone)
        return local.date().isoformat() if (local.hour, local.minute) >= (hour, minute) else None

    return period_of


def hourly(now: datetime) -> str:
    """The current UTC hour (`2026-12-03T06`): a job due once an hour."""
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H")


class Scheduler:
    """The jobs of one process, each run only while this process holds its lease."""

    def __init__(
        self,
        store: Store,
        jobs: Sequence[LeasedJob],
        *,
        holder: str | None = None,
        ttl: timedelta = LEASE_TTL,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.store = store
        self.jobs = list(jobs)
        self.holder = holder or replica_name()
        self.ttl = ttl
        self._now = now

    async def tick(self) -> list[str]:
        """One round: each due job whose lease this process holds, run for its period; the
        `name:period` of every run finished."""
        finished = []
        for job in self.jobs:
            now = self._now()
            period = job.period_of(now)
            if period is None:
                continue
            try:
                grant = await self.store.leases.acquire(
                    job.name, self.holder, ttl=self.ttl, now=now
                )
                if grant is None or await self.store.leases.is_done(job.name, period):
                    continue
                log.info("running %s for %s (lease term %d)", job.name, period, grant.term)
                await job.run(period)
                if not await self.store.leases.mark_done(job.name, self.holder, period):
                    log.warning("%s for %s ran past its lease: check it ran once", job.name, period)
                finished.append(f"{job.name}:{period}")
            except StorageUnavailable as exc:
                log.warning("%s not run: the database is away (%s)", job.name, exc)
            except Exception:
                log.exception(
                    "%s for %s failed; it is tried again at the next tick", job.name, period
                )
        return finished

    async def release(self) -> None:
        """Give every lease up (at shutdown), so another replica takes over at once."""
        for job in self.jobs:
            with contextlib.suppress(Exception):
                await self.store.leases.release(job.name, self.holder)


@contextlib.asynccontextmanager
async def running_schedule(
    store: Store | None, jobs: Sequence[LeasedJob], *, tick_s: float = TICK_S
) -> AsyncIterator[Scheduler | None]:
    """Tick the jobs every `tick_s` while the block runs (None without a store or jobs)."""
    if store is None or not jobs:
        yield None
        return
    scheduler = Scheduler(store, jobs)

    async def loop() -> None:
        while True:
            await scheduler.tick()
            await asyncio.sleep(tick_s)

    task = asyncio.get_running_loop().create_task(loop())
    try:
        yield scheduler
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await scheduler.release()
