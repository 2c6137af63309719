"""Posting paced per channel, as Slack asks: about one message per second in one channel.

Slack allows short bursts over that rate, then answers `ratelimited`; a support channel where
an incident makes everyone type at once would hit it. A small burst goes out at once, then each
post to the same channel waits its turn. The retry handlers deal with what still gets a 429.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

__all__ = ["ChannelPacer"]


class ChannelPacer:
    """A token bucket per channel: `burst` posts at once, then `per_s` per second."""

    def __init__(
        self,
        *,
        per_s: float = 1.0,
        burst: int = 3,
        clock: Callable[[], float] = time.monotonic,
        max_channels: int = 10_000,
    ) -> None:
        self._per_s = per_s
        self._burst = float(burst)
        self._clock = clock
        self._max_channels = max_channels
        # channel -> (tokens left, when counted)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    def delay(self, channel: str) -> float:
        """Take one post's token for `channel`; how long to wait before sending it."""
        now = self._clock()
        tokens, at = self._buckets.get(channel, (self._burst, now))
        tokens = min(self._burst, tokens + (now - at) * self._per_s) - 1.0
        if len(self._buckets) >= self._max_channels and channel not in self._buckets:
            self._buckets.clear()  # forget idle channels rather than grow without end
        self._buckets[channel] = (tokens, now)
        return 0.0 if tokens >= 0 else -tokens / self._per_s

    async def wait_turn(self, channel: str) -> None:
        """Wait until a post to `channel` keeps to the pace."""
        wait_s = self.delay(channel)
        if wait_s > 0:
            await asyncio.sleep(wait_s)
