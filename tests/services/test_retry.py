"""Retries: idempotent requests only, backoff with jitter, Retry-After, inside the deadline."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from supportbot.core.errors import ServiceRateLimited, ServiceServerError, ServiceTimeout
from supportbot.core.settings import ServiceSettings
from supportbot.services.clients import Services
from supportbot.services.metrics import Metrics
from supportbot.services.results import gather
from supportbot.services.retry import is_idempotent, parse_retry_after
from tests.loopback import Silent

from .conftest import Backend, sample_value


def services(url: str, metrics: Metrics, **policy: Any) -> Services:
    settings = ServiceSettings(
        base_url=url, **{"timeout_s": 1.0, "retry_backoff_s": 0.01, "breaker": False, **policy}
    )
    return Services({"billing": settings}, metrics=metrics)


@pytest.mark.parametrize(
    "method,headers,expected",
    [
        ("GET", None, True),
        ("HEAD", None, True),
        ("get", None, True),
        ("POST", None, False),
        ("PUT", None, False),
        ("DELETE", None, False),
        ("POST", {"Idempotency-Key": "k-1"}, True),
        ("POST", {"idempotency-key": "k-1"}, True),
        ("POST", {"Idempotency-Key": ""}, False),
        ("PATCH", {"X-Other": "1"}, False),
    ],
)
def test_only_requests_safe_to_repeat_are_idempotent(
    method: str, headers: dict[str, str] | None, expected: bool
) -> None:
    assert is_idempotent(method, headers) is expected


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 120 ") == 120.0
    assert parse_retry_after(
        format_datetime(now + timedelta(seconds=30), usegmt=True), now=now
    ) == (pytest.approx(30.0))
    assert (
        parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now=now) == 0
    )
    assert parse_retry_after("999999") == 3600.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


async def test_a_get_is_retried_until_it_succeeds(backend: Backend, metrics: Metrics) -> None:
    backend.answer("GET /accounts/M-1", 503, 502, 200)
    async with services(backend.url, metrics) as s:
        result = await s.billing.get("/accounts/M-1")
    assert result.ok and result.status == 200
    assert backend.hits["GET /accounts/M-1"] == 3
    assert (
        sample_value(metrics.registry, "supportbot_service_retries_total", service="billing") == 2
    )


async def test_a_post_without_an_idempotency_key_is_sent_exactly_once(
    backend: Backend, metrics: Metrics
) -> None:
    backend.answer("POST /receipts/TX-1/resend", 503, 200)
    async with services(backend.url, metrics) as s:
        result = await s.billing.post("/receipts/TX-1/resend", json={})
    assert isinstance(result.error, ServiceServerError)
    assert backend.hits["POST /receipts/TX-1/resend"] == 1


@pytest.mark.parametrize("method", ["put", "delete"])
async def test_put_and_delete_are_not_retried_either(
    backend: Backend, metrics: Metrics, method: str
) -> None:
    backend.answer(f"{method.upper()} /x", 503, 200)
    async with services(backend.url, metrics) as s:
        result = await getattr(s.billing, method)("/x")
    assert not result.ok and backend.hits[f"{method.upper()} /x"] == 1


async def test_a_post_with_an_idempotency_key_is_retried(
    backend: Backend, metrics: Metrics
) -> None:
    backend.answer("POST /receipts/TX-1/resend", 503, 202)
    async with services(backend.url, metrics) as s:
        result = await s.billing.post(
            "/receipts/TX-1/resend", json={}, headers={"Idempotency-Key": "confirm-1"}
        )
    assert result.ok and backend.hits["POST /receipts/TX-1/resend"] == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
async def test_answers_that_would_not_change_are_not_retried(
    backend: Backend, metrics: Metrics, status: int
) -> None:
    backend.answer("GET /x", status)
    async with services(backend.url, metrics) as s:
        result = await s.billing.get("/x")
    assert result.status == status and backend.hits["GET /x"] == 1


async def test_a_bad_json_answer_is_not_retried(backend: Backend, metrics: Metrics) -> None:
    backend.bodies["GET /x"] = "not json"  # a JSON string is fine...
    async with services(backend.url, metrics) as s:
        assert (await s.billing.get("/x")).ok
    assert backend.hits["GET /x"] == 1


async def test_attempts_stop_at_the_configured_number(backend: Backend, metrics: Metrics) -> None:
    backend.answer("GET /x", 500)
    async with services(backend.url, metrics, retries=3) as s:
        result = await s.billing.get("/x")
    assert isinstance(result.error, ServiceServerError) and backend.hits["GET /x"] == 4


async def test_backoff_grows_with_jitter_and_stays_under_its_cap(
    backend: Backend, metrics: Metrics
) -> None:
    backend.answer("GET /x", 500)
    async with services(
        backend.url, metrics, retries=4, retry_backoff_s=0.05, retry_backoff_max_s=0.1
    ) as s:
        started = time.perf_counter()
        await s.billing.get("/x")
        elapsed = time.perf_counter() - started
    # Full jitter: each wait is random in [0, min(cap, 0.05 * 2**n)], so 4 waits <= 0.35 s.
    assert elapsed < 0.35 + 0.3
    assert backend.hits["GET /x"] == 5


async def test_retry_after_is_honoured_before_the_next_attempt(
    backend: Backend, metrics: Metrics
) -> None:
    backend.answer("GET /x", 429, 200, headers={"Retry-After": "1"})
    async with services(backend.url, metrics) as s:
        started = time.perf_counter()
        result = await s.billing.get("/x")
        elapsed = time.perf_counter() - started
    assert result.ok and backend.hits["GET /x"] == 2
    assert elapsed >= 1.0


async def test_a_retry_after_longer_than_the_deadline_is_not_waited_for(
    backend: Backend, metrics: Metrics
) -> None:
    backend.answer("GET /x", 429, headers={"Retry-After": "30"})
    async with services(backend.url, metrics) as s:
        started = time.perf_counter()
        (result,) = await gather(s.billing.get("/x"), timeout=2.0)
        elapsed = time.perf_counter() - started
        assert isinstance(result.error, ServiceRateLimited) and result.error.retry_after == 30
        assert "try again in 30 s" in result.error.user_message
        assert elapsed < 0.5 and backend.hits["GET /x"] == 1
        # The service asked for 30 s of quiet: the next call is not sent at all.
        again = await s.billing.get("/x")
        assert isinstance(again.error, ServiceRateLimited) and backend.hits["GET /x"] == 1
        assert "not sent" in str(again.error)


async def test_retries_never_run_past_the_commands_deadline(
    backend: Backend, metrics: Metrics
) -> None:
    backend.answer("GET /x", 503)
    async with services(
        backend.url, metrics, retries=10, retry_backoff_s=0.2, retry_backoff_max_s=0.2
    ) as s:
        started = time.perf_counter()
        (result,) = await gather(s.billing.get("/x"), timeout=0.5)
        elapsed = time.perf_counter() - started
    # The 0.5 s deadline ended it, well before ten waits of 0.2 s (over 2 s) would have.
    assert not result.ok and elapsed < 1.0
    assert 1 <= backend.hits["GET /x"] < 11


async def test_a_timeout_is_retried_only_when_a_whole_timeout_still_fits(
    silent: Silent, metrics: Metrics
) -> None:
    async with services(silent.url, metrics, timeout_s=0.3) as s:
        started = time.perf_counter()
        (result,) = await gather(s.billing.get("/x"), timeout=0.8)
        elapsed = time.perf_counter() - started
    assert isinstance(result.error, ServiceTimeout)
    # 0.3 s, then 0.3 s more (0.5 s were left), then no third try: only 0.2 s were left.
    assert silent.accepted == 2
    assert 0.6 <= elapsed < 0.8


async def test_a_refused_connection_is_retried_once_at_once_not_backed_off(
    metrics: Metrics,
) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The shipped defaults: 8 retries, backoff from 0.05 s up to 1 s (about 2-5 s when backed off).
    settings = ServiceSettings(base_url=f"http://127.0.0.1:{port}", breaker=False)
    async with Services({"billing": settings}, metrics=metrics) as s:
        started = time.perf_counter()
        [result] = await gather(s.billing.get("/accounts/M-1"), timeout=10)
        elapsed = time.perf_counter() - started
    assert result.error is not None and result.error.kind == "refused"
    assert (
        sample_value(metrics.registry, "supportbot_service_retries_total", service="billing") == 1
    )
    assert elapsed < 0.5


async def test_a_timeout_after_several_tries_says_the_whole_wait_and_the_tries(
    backend: Backend, metrics: Metrics
) -> None:
    backend.delays["GET /slow"] = 1.0
    async with services(backend.url, metrics, timeout_s=0.2, retries=2) as s:
        [result] = await gather(s.billing.get("/slow"), timeout=5)
    assert result.error is not None and result.error.kind == "timeout"
    assert backend.hits["GET /slow"] == 3
    message = result.error.user_message
    assert message.startswith("billing did not answer in 0.") and message.endswith("(3 tries)")
    assert message != "billing did not answer in 0.2 s"
