"""The circuit breaker and its sliding window, on a clock the test moves."""

from __future__ import annotations

import pytest

from supportbot.services.breaker import BreakerState, CircuitBreaker, Permit
from supportbot.services.sliding_window import SlidingWindow

from .conftest import ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


def breaker(clock: ManualClock, **options: float) -> tuple[CircuitBreaker, list[BreakerState]]:
    changes: list[BreakerState] = []
    made = CircuitBreaker(
        **{
            "failures": 3,
            "error_rate": 0.5,
            "window_s": 10.0,
            "min_calls": 10,
            "reset_s": 5.0,
            **options,
        },
        clock=clock,
        on_change=changes.append,
    )
    return made, changes


def fail(b: CircuitBreaker, times: int = 1) -> None:
    for _ in range(times):
        permit = b.acquire()
        assert permit is not None
        b.record(permit, failed=True, kind="timeout")


def succeed(b: CircuitBreaker, times: int = 1) -> None:
    for _ in range(times):
        permit = b.acquire()
        assert permit is not None
        b.record(permit, failed=False)


# --- the window ---------------------------------------------------------------------------------


def test_the_window_forgets_calls_older_than_its_length(clock: ManualClock) -> None:
    window = SlidingWindow(10.0, clock=clock)
    window.record(True, "timeout")
    clock.now += 5
    window.record(False)
    window.record(True, "server_error")
    counts = window.counts()
    assert (counts.calls, counts.failed, counts.error_rate) == (3, 2, pytest.approx(2 / 3))
    clock.now += 6  # the first call is now 11 s old
    counts = window.counts()
    assert (counts.calls, counts.failed) == (2, 1)
    assert counts.kinds == {"server_error": 1} and counts.top_kind == "server_error"
    clock.now += 100
    assert window.counts().calls == 0 and window.counts().error_rate == 0.0


def test_the_window_keeps_constant_memory_under_heavy_traffic(clock: ManualClock) -> None:
    window = SlidingWindow(30.0, clock=clock)
    for step in range(100_000):
        clock.now += 0.001
        window.record(step % 4 == 0, "timeout")
    assert len(window._ring) == 30
    counts = window.counts()
    assert 29_000 <= counts.calls <= 31_000 and counts.error_rate == pytest.approx(0.25, 0.01)


# --- the breaker --------------------------------------------------------------------------------


def test_consecutive_failures_open_it_and_a_success_resets_the_count(clock: ManualClock) -> None:
    b, changes = breaker(clock)
    fail(b, 2)
    succeed(b)
    fail(b, 2)
    assert b.state is BreakerState.CLOSED
    fail(b)
    assert b.state is BreakerState.OPEN and changes == [BreakerState.OPEN]
    assert b.acquire() is None and b.would_reject()
    assert b.retry_in() == pytest.approx(5.0)


def test_an_error_rate_over_the_window_opens_it_without_a_run_of_failures(
    clock: ManualClock,
) -> None:
    b, _ = breaker(clock, error_rate=0.6, min_calls=10)
    for _ in range(3):  # fail, fail, ok: never 3 in a row, 2/3 of the calls failing
        fail(b, 2)
        succeed(b)
    assert b.state is BreakerState.CLOSED  # 9 calls: fewer than min_calls
    fail(b)  # 10 calls, 7 failed
    assert b.state is BreakerState.OPEN


def test_too_few_calls_never_trip_the_rate(clock: ManualClock) -> None:
    b, _ = breaker(clock, failures=100, min_calls=10)
    fail(b)
    succeed(b)
    fail(b)
    assert b.state is BreakerState.CLOSED


def test_after_the_reset_time_one_probe_goes_and_the_others_still_fail_fast(
    clock: ManualClock,
) -> None:
    b, changes = breaker(clock)
    fail(b, 3)
    clock.now += 4.9
    assert b.acquire() is None
    clock.now += 0.2
    assert b.state is BreakerState.HALF_OPEN
    probe = b.acquire()
    assert probe == Permit(probe=True)
    assert b.acquire() is None and b.acquire() is None  # one probe at a time
    b.record(probe, failed=False)
    assert b.state is BreakerState.CLOSED
    assert changes == [BreakerState.OPEN, BreakerState.HALF_OPEN, BreakerState.CLOSED]
    assert b.counts().calls == 0  # closing starts a fresh window
    fail(b, 2)
    assert b.state is BreakerState.CLOSED


def test_a_failed_probe_opens_it_again_for_another_reset_time(clock: ManualClock) -> None:
    b, _ = breaker(clock)
    fail(b, 3)
    clock.now += 5
    probe = b.acquire()
    assert probe is not None and probe.probe
    b.record(probe, failed=True, kind="refused")
    assert b.state is BreakerState.OPEN and b.retry_in() == pytest.approx(5.0)


def test_a_cancelled_probe_lets_the_next_call_probe(clock: ManualClock) -> None:
    b, _ = breaker(clock)
    fail(b, 3)
    clock.now += 5
    probe = b.acquire()
    assert probe is not None
    b.release(probe)
    assert b.acquire() == Permit(probe=True)


def test_late_results_of_calls_sent_before_it_opened_change_nothing(clock: ManualClock) -> None:
    b, _ = breaker(clock)
    early = b.acquire()
    assert early is not None
    fail(b, 3)
    b.record(early, failed=False)
    assert b.state is BreakerState.OPEN


def test_the_state_reads_as_a_gauge_value() -> None:
    assert [s.gauge for s in BreakerState] == [0, 1, 2]
