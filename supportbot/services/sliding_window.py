"""Counting calls and failures over the last N seconds, in constant memory.

The circuit breaker (error rate over `breaker_window_s`) and the early warning (error rate over
`alert_window_s`) both ask the same question: of the calls in the last N seconds, how many
failed, and mostly how? A ring of time buckets answers it without keeping every call: memory does
not grow with traffic, and the window slides in steps of one bucket (a 30th of its length).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Clock", "SlidingWindow", "WindowCounts"]

Clock = Callable[[], float]
BUCKETS = 30


@dataclass(frozen=True)
class WindowCounts:
    """What one window saw: calls, how many failed, and the failures by kind."""

    calls: int
    failed: int
    kinds: dict[str, int] = field(default_factory=dict)

    @property
    def error_rate(self) -> float:
        """Failed calls over all calls; 0.0 when there were none."""
        return self.failed / self.calls if self.calls else 0.0

    @property
    def top_kind(self) -> str:
        """The most common kind of failure ("error" when none was recorded)."""
        if not self.kinds:
            return "error"
        return max(sorted(self.kinds), key=lambda kind: self.kinds[kind])


@dataclass
class _Bucket:
    start: float = -1.0
    calls: int = 0
    failed: int = 0
    kinds: Counter[str] = field(default_factory=Counter)


class SlidingWindow:
    """Calls and failures over the last `seconds`, in `buckets` time slices."""

    def __init__(
        self, seconds: float, *, buckets: int = BUCKETS, clock: Clock = time.monotonic
    ) -> None:
        if seconds <= 0 or buckets < 1:
            raise ValueError("a window needs a positive length and at least one bucket")
        self.seconds = seconds
        self._width = seconds / buckets
        self._ring = [_Bucket() for _ in range(buckets)]
        self._clock = clock

    def record(self, failed: bool, kind: str | None = None) -> None:
        """Count one call, failed or not (`kind` says how it failed)."""
        bucket = self._current()
        bucket.calls += 1
        if failed:
            bucket.failed += 1
            bucket.kinds[kind or "error"] += 1

    def counts(self) -> WindowCounts:
        """The calls of the last `seconds`."""
        oldest = self._slot_start(self._clock()) - self.seconds + self._width
        calls = failed = 0
        kinds: Counter[str] = Counter()
        for bucket in self._ring:
            if bucket.start >= oldest - self._width / 2:
                calls += bucket.calls
                failed += bucket.failed
                kinds.update(bucket.kinds)
        return WindowCounts(calls=calls, failed=failed, kinds=dict(kinds))

    def clear(self) -> None:
        """Forget every call (a breaker that closes starts afresh)."""
        for bucket in self._ring:
            bucket.start = -1.0
            bucket.calls = bucket.failed = 0
            bucket.kinds.clear()

    def _slot_start(self, now: float) -> float:
        return (now // self._width) * self._width

    def _current(self) -> _Bucket:
        start = self._slot_start(self._clock())
        bucket = self._ring[int(start / self._width) % len(self._ring)]
        if bucket.start != start:
            bucket.start = start
            bucket.calls = bucket.failed = 0
            bucket.kinds.clear()
        return bucket
