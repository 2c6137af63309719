"""A circuit breaker per service: stop calling a service that keeps failing, and try again later.

::

    closed ──(N failures in a row, or error rate over the window)──> open
    open ──(reset_s later, the next call goes through as a probe)──> half-open
    half-open ──probe succeeds──> closed         half-open ──probe fails──> open

While open, calls fail at once ("billing is failing, not tried") instead of each waiting out the
timeout; while half-open exactly one probe is in flight and the other calls still fail fast.

Why not a library: purgatory, aiobreaker, pybreaker and circuitbreaker all count exceptions
raised by a wrapped function and open on N consecutive failures only. Our calls return results
rather than raise, and the issue asks for an error rate over a window too; their state is also
not observable the way metrics and /status need it. This is small and has an injectable clock.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass

from .sliding_window import Clock, SlidingWindow, WindowCounts

__all__ = ["BreakerState", "CircuitBreaker", "Permit"]


class BreakerState(enum.Enum):
    """Where a breaker is. `value` is what metrics and /status show."""

    CLOSED = "closed"
    HALF_OPEN = "half_open"
    OPEN = "open"

    @property
    def gauge(self) -> int:
        """0 closed, 1 half-open, 2 open: the value of the Prometheus gauge."""
        return {"closed": 0, "half_open": 1, "open": 2}[self.value]


@dataclass(frozen=True)
class Permit:
    """Leave to send one call; `probe` is True for the one call of a half-open breaker."""

    probe: bool = False


StateListener = Callable[[BreakerState], None]


class CircuitBreaker:
    """Decides, call by call, whether a service may be called now. Not thread-safe: one loop."""

    def __init__(
        self,
        *,
        failures: int = 5,
        error_rate: float = 0.5,
        window_s: float = 30.0,
        min_calls: int = 20,
        reset_s: float = 10.0,
        clock: Clock = time.monotonic,
        on_change: StateListener | None = None,
    ) -> None:
        self.failures = failures
        self.error_rate = error_rate
        self.min_calls = min_calls
        self.reset_s = reset_s
        self._clock = clock
        self._window = SlidingWindow(window_s, clock=clock)
        self._on_change = on_change
        self._state = BreakerState.CLOSED
        self._consecutive = 0
        self._opened_at = 0.0
        self._probing = False

    @property
    def state(self) -> BreakerState:
        """The state now: an open breaker whose reset time passed reads as half-open."""
        if self._state is BreakerState.OPEN and self.retry_in() == 0.0:
            return BreakerState.HALF_OPEN
        return self._state

    def retry_in(self) -> float:
        """Seconds until an open breaker lets a probe through (0 when not open)."""
        if self._state is not BreakerState.OPEN:
            return 0.0
        return max(0.0, self._opened_at + self.reset_s - self._clock())

    def counts(self) -> WindowCounts:
        """Calls and failures in the breaker's window."""
        return self._window.counts()

    def acquire(self) -> Permit | None:
        """A permit to send one call, or None: fail fast, do not send."""
        if self._state is BreakerState.CLOSED:
            return Permit()
        if self._state is BreakerState.OPEN:
            if self.retry_in() > 0.0:
                return None
            self._set(BreakerState.HALF_OPEN)
        if self._probing:
            return None  # one probe at a time
        self._probing = True
        return Permit(probe=True)

    def would_reject(self) -> bool:
        """True when `acquire` would refuse now (a cheap look, taking nothing)."""
        if self._state is BreakerState.OPEN:
            return self.retry_in() > 0.0
        return self._state is BreakerState.HALF_OPEN and self._probing

    def record(self, permit: Permit, *, failed: bool, kind: str | None = None) -> None:
        """What happened to a call sent under `permit`."""
        if permit.probe:
            self._probing = False
            if failed:
                self._open()
            else:
                self._close()
            return
        if self._state is not BreakerState.CLOSED:
            return  # a call from before the breaker opened: the decision is made
        self._window.record(failed, kind)
        self._consecutive = self._consecutive + 1 if failed else 0
        if failed and self._should_open():
            self._open()

    def release(self, permit: Permit) -> None:
        """The call under `permit` was cancelled before it had an outcome."""
        if permit.probe:
            self._probing = False  # let the next call probe instead

    def _should_open(self) -> bool:
        if self._consecutive >= self.failures:
            return True
        counts = self._window.counts()
        return counts.calls >= self.min_calls and counts.error_rate >= self.error_rate

    def _open(self) -> None:
        self._opened_at = self._clock()
        self._set(BreakerState.OPEN)

    def _close(self) -> None:
        self._consecutive = 0
        self._window.clear()
        self._set(BreakerState.CLOSED)

    def _set(self, state: BreakerState) -> None:
        changed = state is not self._state
        self._state = state
        if changed and self._on_change is not None:
            self._on_change(state)

    def __repr__(self) -> str:
        return f"<CircuitBreaker {self.state.value}>"
