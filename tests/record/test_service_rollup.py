"""Service calls counted by the clients' metrics are written each minute, as differences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from prometheus_client import CollectorRegistry

from supportbot.record.service_rollup import ServiceCallRecorder, recording_service_calls
from supportbot.services.metrics import SERVICE_BUCKETS, Metrics
from supportbot.storage import Store

NOW = datetime(2026, 12, 2, 10, 30, 15, tzinfo=UTC)


def calls(metrics: Metrics, service: str, seconds: list[float], errors: int = 0) -> None:
    for value in seconds:
        metrics.service_calls.labels(service, "ok").inc()
        metrics.service_seconds.labels(service).observe(value)
    for _ in range(errors):
        metrics.service_calls.labels(service, "timeout").inc()
        metrics.service_errors.labels(service, "timeout").inc()


async def test_each_flush_writes_what_happened_since_the_last(store: Store) -> None:
    metrics = Metrics(CollectorRegistry())
    calls(metrics, "billing", [0.5])  # before the recorder started: not counted
    recorder = ServiceCallRecorder(metrics, store, replica="r1")
    calls(metrics, "billing", [0.003, 0.02, 0.02, 0.3], errors=1)
    calls(metrics, "devices", [0.04])
    first = recorder.take(NOW)
    assert [(m.service, m.calls, m.errors) for m in first] == [("billing", 5, 1), ("devices", 1, 0)]
    assert first[0].minute == NOW.replace(second=0)
    assert len(first[0].buckets) == len(SERVICE_BUCKETS) + 1 and sum(first[0].buckets) == 4
    assert recorder.take(NOW) == []  # nothing new
    calls(metrics, "billing", [0.02])
    await store.stats.record_service_minutes("r1", first)
    assert await recorder.flush(NOW) == 1
    found = await store.stats.services(
        NOW - timedelta(hours=1), NOW + timedelta(hours=1), SERVICE_BUCKETS
    )
    billing = next(s for s in found if s.service == "billing")
    assert (billing.calls, billing.errors) == (6, 1)
    assert billing.p50_ms is not None and 10 <= billing.p50_ms <= 25


async def test_the_recording_flushes_at_its_end(store: Store) -> None:
    metrics = Metrics(CollectorRegistry())
    async with recording_service_calls(metrics, store, every_s=3600):
        calls(metrics, "merchants", [0.01, 0.01])
    now = datetime.now(UTC)
    found = await store.stats.services(
        now - timedelta(hours=1), now + timedelta(hours=1), SERVICE_BUCKETS
    )
    assert [(s.service, s.calls) for s in found] == [("merchants", 2)]


async def test_without_a_store_nothing_is_recorded() -> None:
    async with recording_service_calls(Metrics(CollectorRegistry()), None) as recorder:
        assert recorder is None
