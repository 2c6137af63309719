"""What a test can change in a running sample service: latency and failures.

`ServiceControl` holds one service's knobs; it outlives the service's web app, so a service that
is stopped and started again keeps its latency and failure mode. (What the services did, the side
effects tests count, is in `supportbot.sample._ledger`.)
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from typing import Literal

FailureMode = Literal["ok", "error", "hang", "flaky"]
FAILURE_MODES: tuple[FailureMode, ...] = ("ok", "error", "hang", "flaky")


class InjectedFailure(Exception):
    """A failure the control decided this request gets; the app answers it with `status`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class ServiceControl:
    """Latency and failure switches of one service, read on every request.

    - ``ok``: answer normally.
    - ``error``: answer every request with `status` (default 500).
    - ``hang``: accept the request and never answer; stopping the service drops it.
    - ``flaky``: answer a `rate` fraction of requests with `status` (default 503, the status a
      client may retry), chosen by an RNG seeded from the service name, so a run is repeatable.
    """

    name: str
    latency_ms: int = 0
    mode: FailureMode = "ok"
    rate: float = 0.5
    status: int = 500
    #: Requests taken in so far, /health aside (answered, failed, hanging or still slow).
    received: int = 0
    _rng: random.Random = field(default_factory=random.Random, repr=False)

    def set_latency(self, ms: int) -> None:
        """Delay every request (but /health) by `ms` milliseconds from now on."""
        if isinstance(ms, bool) or not isinstance(ms, int) or ms < 0:
            raise ValueError(f"latency must be a whole number of milliseconds >= 0, not {ms!r}")
        self.latency_ms = ms

    def set_failure(
        self, mode: FailureMode, *, rate: float = 0.5, status: int | None = None
    ) -> None:
        """Switch the failure mode; also restarts the flaky sequence from its seed."""
        if mode not in FAILURE_MODES:
            raise ValueError(
                f"unknown failure mode {mode!r}; use one of {', '.join(FAILURE_MODES)}"
            )
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be between 0 and 1, not {rate!r}")
        if status is not None and not 400 <= status <= 599:
            raise ValueError(f"a failure status is 4xx or 5xx, not {status!r}")
        self.mode = mode
        self.rate = rate
        self.status = status if status is not None else (503 if mode == "flaky" else 500)
        self._rng = random.Random(f"supportbot-sample:{self.name}:flaky")

    async def before_request(self, *, health: bool) -> None:
        """Wait out the latency, then raise `InjectedFailure` or hang as the mode says.

        /health skips the latency: the latency stands for slow queries, which a health check
        does not run, and readiness probes should not wait for it. It does obey the failure
        mode, since a broken service reports itself broken.
        """
        if not health:
            self.received += 1
            if self.latency_ms:
                await asyncio.sleep(self.latency_ms / 1000)
        if self.mode == "hang":
            # Never set: the request ends when stopping the service cancels it.
            await asyncio.Event().wait()
        if self.mode == "error" or (self.mode == "flaky" and self._rng.random() < self.rate):
            raise InjectedFailure(self.status, f"{self.name} failed on purpose (mode {self.mode})")
