"""The policy around every call: concurrency cap, circuit breaker, and what they report."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from supportbot.core.errors import ServiceBusy, ServiceCircuitOpen, ServiceRefused, ServiceTimeout
from supportbot.core.settings import ServiceSettings
from supportbot.services.breaker import BreakerState
from supportbot.services.clients import Services
from supportbot.services.metrics import Metrics
from supportbot.services.results import current_deadline, gather
from tests.loopback import Silent

from .conftest import Backend, ManualClock, sample_value


def policy(url: str, **options: Any) -> ServiceSettings:
    return ServiceSettings(base_url=url, **{"retries": 0, "timeout_s": 1.0, **options})


async def test_a_hanging_service_holds_at_most_its_cap_of_connections(
    silent: Silent, backend: Backend, metrics: Metrics
) -> None:
    configured = {
        "billing": policy(silent.url, max_concurrency=3, timeout_s=0.5, breaker=False),
        "devices": policy(backend.url, max_concurrency=3),
    }
    async with Services(configured, metrics=metrics) as s:
        started = time.perf_counter()
        hanging = [s.billing.get(f"/accounts/M-{n}") for n in range(12)]
        answering = [s.devices.get(f"/devices/{n}") for n in range(12)]
        results = await gather(*hanging, *answering, timeout=0.8)
        elapsed = time.perf_counter() - started
    assert silent.peak == 3  # never more than three at once: the others waited for a slot
    assert silent.accepted == 6  # three timed out at 0.5 s, three more got their slots
    billing, devices = results[:12], results[12:]
    assert all(r.ok for r in devices)
    assert max(r.elapsed_ms for r in devices) < 300  # billing's queue did not slow devices down
    assert sum(isinstance(r.error, ServiceTimeout) for r in billing) >= 3
    assert not any(r.ok for r in billing)
    # gather's 0.8 s ended it: four rounds of three 0.5 s timeouts would have taken 2 s.
    assert elapsed < 1.5


async def test_a_call_that_cannot_get_a_slot_in_time_is_busy_not_sent(
    silent: Silent, metrics: Metrics
) -> None:
    async with Services(
        {"billing": policy(silent.url, max_concurrency=1, timeout_s=0.3, breaker=False)},
        metrics=metrics,
    ) as s:
        first, second = await asyncio.gather(s.billing.get("/a"), s.billing.get("/b"))
    assert isinstance(first.error, ServiceTimeout)
    assert isinstance(second.error, ServiceBusy) and second.error.kind == "busy"
    assert "busy" in second.error.user_message and silent.accepted == 1


async def test_after_the_threshold_calls_fail_fast_without_waiting_for_the_timeout(
    silent: Silent, metrics: Metrics
) -> None:
    async with Services(
        {"billing": policy(silent.url, timeout_s=0.3, breaker_failures=3, breaker_reset_s=30)},
        metrics=metrics,
    ) as s:
        for n in range(3):
            result = await s.billing.get(f"/slow/{n}")
            assert isinstance(result.error, ServiceTimeout)
        assert s.billing.guard.breaker_state is BreakerState.OPEN
        started = time.perf_counter()
        fast = await gather(*(s.billing.get(f"/fast/{n}") for n in range(50)))
        elapsed = time.perf_counter() - started
    assert elapsed < 0.3  # fifty calls, and not one waited for the 0.3 s timeout
    assert silent.accepted == 3  # none of them was sent
    for result in fast:
        assert isinstance(result.error, ServiceCircuitOpen) and result.error.kind == "circuit_open"
        assert result.error.user_message == "billing is failing, not tried"
    registry = metrics.registry
    assert sample_value(registry, "supportbot_circuit_breaker_state", service="billing") == 2
    assert sample_value(registry, "supportbot_circuit_breaker_opened_total", service="billing") == 1
    assert (
        sample_value(
            registry, "supportbot_service_calls_total", service="billing", outcome="circuit_open"
        )
        == 50
    )


async def test_the_breaker_recovers_by_itself_once_the_service_is_back(
    backend: Backend, metrics: Metrics, breaker_clock: ManualClock
) -> None:
    backend.answer("GET /accounts/M-1", 503, 503, 503, 200)
    async with Services(
        {"billing": policy(backend.url, breaker_failures=3, breaker_reset_s=0.3)},
        metrics=metrics,
    ) as s:
        for _ in range(3):
            await s.billing.get("/accounts/M-1")
        assert s.billing.guard.breaker_state is BreakerState.OPEN
        refused = await s.billing.get("/accounts/M-1")
        assert isinstance(refused.error, ServiceCircuitOpen)
        assert backend.hits["GET /accounts/M-1"] == 3
        breaker_clock.now += 0.35  # the service is answering again by now
        assert s.billing.guard.breaker_state is BreakerState.HALF_OPEN
        probe = await s.billing.get("/accounts/M-1")
        assert probe.ok
        assert s.billing.guard.breaker_state is BreakerState.CLOSED
        assert all(r.ok for r in await gather(*(s.billing.get("/accounts/M-1") for _ in range(5))))
    assert (
        sample_value(metrics.registry, "supportbot_circuit_breaker_state", service="billing") == 0
    )


async def test_a_refused_connection_counts_towards_the_breaker(
    closed_url: str, metrics: Metrics
) -> None:
    async with Services(
        {"billing": policy(closed_url, breaker_failures=2, breaker_reset_s=30)}, metrics=metrics
    ) as s:
        first = await s.billing.get("/x")
        second = await s.billing.get("/x")
        third = await s.billing.get("/x")
    assert isinstance(first.error, ServiceRefused) and first.error.kind == "refused"
    assert isinstance(second.error, ServiceRefused)
    assert isinstance(third.error, ServiceCircuitOpen)


async def test_client_errors_do_not_open_the_breaker(backend: Backend, metrics: Metrics) -> None:
    backend.answer("GET /x", 404)
    backend.answer("GET /y", 401)
    async with Services({"billing": policy(backend.url, breaker_failures=2)}, metrics=metrics) as s:
        for _ in range(3):
            await s.billing.get("/x")
            await s.billing.get("/y")
        assert s.billing.guard.breaker_state is BreakerState.CLOSED


async def test_a_switched_off_breaker_never_fails_fast(closed_url: str, metrics: Metrics) -> None:
    async with Services(
        {"billing": policy(closed_url, breaker=False, breaker_failures=1)}, metrics=metrics
    ) as s:
        results = [await s.billing.get("/x") for _ in range(4)]
    assert all(isinstance(r.error, ServiceRefused) for r in results)


async def test_every_attempt_is_counted_by_outcome_with_its_latency(
    backend: Backend, metrics: Metrics
) -> None:
    backend.answer("GET /x", 503, 200)
    backend.answer("GET /missing", 404)
    async with Services(
        {"billing": policy(backend.url, retries=1, retry_backoff_s=0.01)}, metrics=metrics
    ) as s:
        await s.billing.get("/x")
        await s.billing.get("/missing")
    value = lambda name, **labels: sample_value(metrics.registry, name, **labels)  # noqa: E731
    assert value("supportbot_service_calls_total", service="billing", outcome="ok") == 1
    assert value("supportbot_service_calls_total", service="billing", outcome="server_error") == 1
    assert value("supportbot_service_calls_total", service="billing", outcome="not_found") == 1
    assert value("supportbot_service_errors_total", service="billing", kind="server_error") == 1
    assert value("supportbot_service_errors_total", service="billing", kind="not_found") == 0
    assert value("supportbot_service_call_duration_seconds_count", service="billing") == 3
    assert value("supportbot_service_requests_in_flight", service="billing") == 0


async def test_gather_hands_its_deadline_to_the_calls_it_runs() -> None:
    seen: list[float | None] = []

    async def call() -> Any:
        from supportbot.services.results import ServiceResult

        seen.append(current_deadline())
        return ServiceResult.success("x", None)

    loop = asyncio.get_running_loop()
    before = loop.time()
    await gather(call(), timeout=5.0)
    await gather(call())
    assert seen[0] is not None and before + 4.9 < seen[0] < loop.time() + 5.0
    assert seen[1] is None
    assert current_deadline() is None  # nothing leaks out of gather
