"""Service calls, kept: every minute a running bot writes what its service clients counted.

The clients already count every call in their Prometheus metrics (`services.metrics`); this
reads the counters and the latency histogram, takes the difference since the last flush, and
writes one row per service (`store.stats.record_service_minutes`). Nothing is added to the call
path. Each process writes rows of its own (`replica`), so `/stats services` adds up every
replica's calls, across restarts too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from supportbot.services.metrics import SERVICE_BUCKETS, Metrics
from supportbot.storage import ServiceMinute, Store

__all__ = ["ServiceCallRecorder", "recording_service_calls", "replica_name"]

log = logging.getLogger("supportbot.stats")

FLUSH_EVERY_S = 60.0


def replica_name() -> str:
    """This process among the replicas: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


@dataclass
class _Totals:
    calls: float = 0.0
    errors: float = 0.0
    seconds: float = 0.0
    #: cumulative counts per bucket bound (Prometheus' form), +Inf last
    cumulative: list[float] = field(default_factory=lambda: [0.0] * (len(SERVICE_BUCKETS) + 1))


def _read(metrics: Metrics) -> dict[str, _Totals]:
    totals: dict[str, _Totals] = {}

    def of(service: str) -> _Totals:
        return totals.setdefault(service, _Totals())

    for family in metrics.service_calls.collect():
        for sample in family.samples:
            if sample.name.endswith("_total"):
                of(sample.labels["service"]).calls += sample.value
    for family in metrics.service_errors.collect():
        for sample in family.samples:
            if sample.name.endswith("_total"):
                of(sample.labels["service"]).errors += sample.value
    bounds = [*(str(float(b)) for b in SERVICE_BUCKETS), "+Inf"]
    for family in metrics.service_seconds.collect():
        for sample in family.samples:
            service = sample.labels.get("service")
            if service is None:
                continue
            if sample.name.endswith("_sum"):
                of(service).seconds = sample.value
            elif sample.name.endswith("_bucket"):
                le = sample.labels.get("le", "")
                if le in bounds:
                    of(service).cumulative[bounds.index(le)] = sample.value
    return totals


class ServiceCallRecorder:
    """The difference between flushes of a `Metrics`' service counters, written to a store."""

    def __init__(self, metrics: Metrics, store: Store, *, replica: str | None = None) -> None:
        self.metrics = metrics
        self.store = store
        self.replica = replica or replica_name()
        self._last = _read(metrics)

    def take(self, now: datetime | None = None) -> list[ServiceMinute]:
        """What each service did since the last `take` (services without calls left out)."""
        minute = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
        current = _read(self.metrics)
        minutes = []
        for service, now_totals in sorted(current.items()):
            before = self._last.get(service, _Totals())
            calls = round(now_totals.calls - before.calls)
            if calls <= 0:
                continue
            cumulative = [
                round(after - earlier)
                for after, earlier in zip(now_totals.cumulative, before.cumulative, strict=True)
            ]
            per_bucket = [cumulative[0]] + [
                cumulative[i] - cumulative[i - 1] for i in range(1, len(cumulative))
            ]
            minutes.append(
                ServiceMinute(
                    minute=minute,
                    service=service,
                    calls=calls,
                    errors=max(0, round(now_totals.errors - before.errors)),
                    seconds=max(0.0, now_totals.seconds - before.seconds),
                    buckets=[max(0, count) for count in per_bucket],
                )
            )
        self._last = current
        return minutes

    async def flush(self, now: datetime | None = None) -> int:
        """Write what was counted since the last flush; how many rows. Never raises: a failed
        flush is logged (its rows are in the spool when the database is away)."""
        minutes = self.take(now)
        if not minutes:
            return 0
        try:
            await self.store.stats.record_service_minutes(self.replica, minutes)
        except Exception:
            log.exception("could not write the service call rollups")
            return 0
        return len(minutes)


@contextlib.asynccontextmanager
async def recording_service_calls(
    metrics: Metrics, store: Store | None, *, every_s: float = FLUSH_EVERY_S
) -> AsyncIterator[ServiceCallRecorder | None]:
    """Flush `metrics`' service calls to `store` every `every_s` while the block runs, and once
    more at its end (None without a store)."""
    if store is None:
        yield None
        return
    recorder = ServiceCallRecorder(metrics, store)

    async def loop() -> None:
        while True:
            await asyncio.sleep(every_s)
            await recorder.flush()

    task = asyncio.get_running_loop().create_task(loop())
    try:
        yield recorder
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await recorder.flush()
