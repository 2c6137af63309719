"""Run each Slack delivery once, even when Slack redelivers it or a user clicks twice.

Slack retries an event it thinks was not acknowledged (`X-Slack-Retry-Num`), and in Socket Mode
the retry may reach another replica. So the first claim of a key wins, and the claims live in
the shared database (`StoreDedupe`); `MemoryDedupe` is for one process and for tests.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any, Protocol

__all__ = ["Dedupe", "MemoryDedupe", "delivery_key"]


class Dedupe(Protocol):
    """Claims keys; exactly one caller gets True for a key, everyone after gets False."""

    async def claim(self, key: str) -> bool:
        """True for the first claim of `key` (go ahead), False for any later one (skip)."""
        ...


class MemoryDedupe:
    """Claims kept in this process for `ttl_s`, at most `max_keys` of them (oldest dropped)."""

    def __init__(
        self,
        *,
        ttl_s: float = 24 * 3600.0,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl_s = ttl_s
        self._max_keys = max_keys
        self._clock = clock
        self._claimed: OrderedDict[str, float] = OrderedDict()

    async def claim(self, key: str) -> bool:
        """See `Dedupe.claim`."""
        now = self._clock()
        while self._claimed:
            oldest, at = next(iter(self._claimed.items()))
            if at + self._ttl_s > now and len(self._claimed) < self._max_keys:
                break
            del self._claimed[oldest]
        if key in self._claimed:
            return False
        self._claimed[key] = now
        return True


def delivery_key(body: Mapping[str, Any]) -> str | None:
    """The key naming one delivery of a Slack payload, the same on every redelivery of it.

    Events have an `event_id`; slash commands and button clicks a `trigger_id` unique to the
    invocation. Anything else (url verification, ...) is not deduplicated.
    """
    if body.get("type") == "event_callback" and body.get("event_id"):
        return f"event:{body['event_id']}"
    trigger = body.get("trigger_id")
    if not trigger:
        return None
    if body.get("command"):
        return f"command:{trigger}"
    kind = body.get("type")
    if isinstance(kind, str) and kind:
        return f"{kind}:{trigger}"
    return None
