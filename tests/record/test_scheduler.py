"""Scheduled jobs run once per period across replicas, through the database lease."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from supportbot.record.scheduler import LeasedJob, Scheduler, daily_at, weekly_after
from supportbot.storage import Store, create_store, upgrade

JAKARTA = ZoneInfo("Asia/Jakarta")
MONDAY_7AM_WIB = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)  # 07:00 in Jakarta, week 50 starts


def test_the_weekly_period_is_the_week_that_ended_once_it_is_due() -> None:
    period_of = weekly_after(0, hour=6, zone=JAKARTA)
    assert period_of(MONDAY_7AM_WIB) == "2026-W49"
    # Monday 05:00 local: not due yet, so the week before that is still the last one due
    assert period_of(MONDAY_7AM_WIB - timedelta(hours=2)) == "2026-W48"
    assert period_of(MONDAY_7AM_WIB + timedelta(days=6)) == "2026-W49"


def test_a_daily_job_is_due_from_its_hour_local_time() -> None:
    period_of = daily_at(9, zone=JAKARTA)
    assert period_of(datetime(2026, 12, 7, 1, 59, tzinfo=UTC)) is None  # 08:59 WIB
    assert period_of(datetime(2026, 12, 7, 2, 0, tzinfo=UTC)) == "2026-12-07"


async def test_two_replicas_run_each_period_once(database_url: str) -> None:
    upgrade(database_url)
    runs: list[tuple[str, str]] = []
    clock = [MONDAY_7AM_WIB]

    def job_for(replica: str) -> LeasedJob:
        async def draw(period: str) -> None:
            runs.append((replica, period))

        return LeasedJob("qa-sample", weekly_after(0, hour=6, zone=JAKARTA), draw)

    stores = [create_store(database_url) for _ in range(2)]
    try:
        schedulers = [
            Scheduler(store, [job_for(f"r{n}")], holder=f"r{n}", now=lambda: clock[0])
            for n, store in enumerate(stores)
        ]
        for _ in range(3):
            await asyncio.gather(*(s.tick() for s in schedulers))
        assert len(runs) == 1 and runs[0][1] == "2026-W49"
        first = runs[0][0]
        # the holder stops; past its lease the other takes over, and does not redo W49
        clock[0] += timedelta(minutes=10)
        other = next(s for s in schedulers if s.holder != first)
        assert await other.tick() == []
        assert len(runs) == 1
        clock[0] += timedelta(days=7)
        assert await other.tick() == ["qa-sample:2026-W50"]
        assert runs[-1] == (other.holder, "2026-W50")
    finally:
        for store in stores:
            await store.close()


async def test_a_failed_run_is_not_marked_done_and_runs_again(store: Store) -> None:
    attempts: list[str] = []

    async def flaky(period: str) -> None:
        attempts.append(period)
        if len(attempts) == 1:
            raise RuntimeError("the service was down")

    job = LeasedJob("daily-share", lambda now: "2026-12-07", flaky)
    scheduler = Scheduler(store, [job], holder="r0")
    assert await scheduler.tick() == []
    assert await scheduler.tick() == ["daily-share:2026-12-07"]
    assert await scheduler.tick() == []
    assert attempts == ["2026-12-07", "2026-12-07"]
    await scheduler.release()
    assert await store.leases.holder("daily-share") is None
