"""When to delete expired rows again: at most once every PRUNE_EVERY_S per repository, and only
when it writes, as housekeeping of the write path (a failed prune waits for the next time)."""

from __future__ import annotations

import time

__all__ = ["PRUNE_EVERY_S", "Pruner"]

#: How often a writer deletes what has expired (at most; only when it writes).
PRUNE_EVERY_S = 600.0


class Pruner:
    """Says when it is time to prune again; the first time is the first write."""

    def __init__(self) -> None:
        self._next = 0.0

    def due(self) -> bool:
        """True at most once every PRUNE_EVERY_S."""
        now = time.monotonic()
        if now < self._next:
            return False
        self._next = now + PRUNE_EVERY_S
        return True
