"""Work done after the ack: tracked, so it can be awaited in tests and on a graceful stop.

Each delivery's work waits for its dedupe claim first (the ack does not wait for the database)
and is dropped if the claim says the delivery was seen already.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

__all__ = ["CLAIM_CONTEXT_KEY", "Background"]

#: Where a delivery's dedupe claim waits in Bolt's context, for the listener to hand `spawn`.
CLAIM_CONTEXT_KEY = "supportbot_delivery_claim"

log = logging.getLogger("supportbot.slack")


class Background:
    """The tasks started after acks, and the dedupe claims they wait for."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self._claims: set[asyncio.Future[bool]] = set()

    def claim(self, claim: Coroutine[Any, Any, bool]) -> asyncio.Future[bool]:
        """Start a claim. Tracked: a delivery nothing listens to never awaits its claim, and
        the claim must not outlive the adapter (it writes to the bot's database)."""
        future = asyncio.ensure_future(claim)
        self._claims.add(future)
        future.add_done_callback(self._claims.discard)
        return future

    def spawn(
        self, work: Coroutine[Any, Any, None], *, claim: asyncio.Future[bool] | None = None
    ) -> None:
        """Run `work` once `claim` (if any) says this is the first delivery; errors are logged."""
        task = asyncio.ensure_future(self._guard(work, claim))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _guard(
        self, work: Coroutine[Any, Any, None], claim: asyncio.Future[bool] | None
    ) -> None:
        try:
            if claim is not None and not await claim:
                log.info("skipped a repeated delivery (found after the ack)")
                work.close()
                return
            await work
        except Exception:
            log.exception("a Slack delivery failed")

    @property
    def busy(self) -> int:
        """How many pieces of work are running."""
        return len(self._tasks)

    async def drain(self, timeout: float | None = None) -> bool:
        """Wait until all work and claims are done; False if `timeout` passed first."""
        while self._tasks or self._claims:
            waiting: set[asyncio.Future[Any]] = {*self._tasks, *self._claims}
            _, pending = await asyncio.wait(waiting, timeout=timeout)
            if pending:
                return False
        return True

    async def aclose(self, grace_s: float) -> None:
        """Let work finish for `grace_s`, then cancel what is left and wait for it."""
        if not await self.drain(grace_s):
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await asyncio.gather(*self._claims, return_exceptions=True)
