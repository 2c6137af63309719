"""What a test can change in a running sample service (latency, failures) and what it records.

`ServiceControl` holds one service's knobs; it outlives the service's web app, so a service that
is stopped and started again keeps its latency and failure mode. `ResendLedger` is the receipts
service's memory of every resend it performed, the side effect tests count.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, TypedDict

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
        if self.latency_ms and not health:
            await asyncio.sleep(self.latency_ms / 1000)
        if self.mode == "hang":
            # Never set: the request ends when stopping the service cancels it.
            await asyncio.Event().wait()
        if self.mode == "error" or (self.mode == "flaky" and self._rng.random() < self.rate):
            raise InjectedFailure(self.status, f"{self.name} failed on purpose (mode {self.mode})")


class Resend(TypedDict):
    """One receipt resend the receipts service performed."""

    resend_id: str
    transaction_id: str
    sent_to: str
    at: str
    idempotency_key: str | None


class IdempotencyConflict(Exception):
    """An idempotency key came back with a different request than the one it was first used for."""


@dataclass
class ResendLedger:
    """Every resend performed, by transaction, and the idempotency keys already answered.

    Only successful resends are remembered under their key: a request that was refused (404,
    422) changed nothing, so sending it again, fixed, with the same key must work.
    """

    _by_tx: dict[str, list[Resend]] = field(default_factory=dict)
    _by_key: dict[str, tuple[tuple[str, str | None], Resend]] = field(default_factory=dict)
    _count: int = 0

    def replay(self, key: str, tx_id: str, requested_to: str | None) -> Resend | None:
        """The resend `key` already produced, or None if the key is new.

        Raises `IdempotencyConflict` if the key was used for another transaction or address.
        """
        seen = self._by_key.get(key)
        if seen is None:
            return None
        fingerprint, resend = seen
        if fingerprint != _fingerprint(tx_id, requested_to):
            raise IdempotencyConflict(
                f"Idempotency-Key already used for a resend of {fingerprint[0]}"
                + (f" to {fingerprint[1]}" if fingerprint[1] else "")
            )
        return resend

    def record(self, tx_id: str, sent_to: str, requested_to: str | None, key: str | None) -> Resend:
        """Perform (record) a resend. Call `replay` first when there is a key."""
        self._count += 1
        resend = Resend(
            resend_id=f"RS-{self._count:06d}",
            transaction_id=tx_id,
            sent_to=sent_to,
            at=datetime.now(UTC).isoformat(timespec="milliseconds"),
            idempotency_key=key,
        )
        self._by_tx.setdefault(tx_id, []).append(resend)
        if key is not None:
            self._by_key[key] = (_fingerprint(tx_id, requested_to), resend)
        return resend

    def of(self, tx_id: str) -> list[Resend]:
        """The resends of one transaction, oldest first."""
        return [Resend(**r) for r in self._by_tx.get(tx_id, ())]

    def all(self) -> list[Resend]:
        """Every resend, oldest first."""
        return sorted((Resend(**r) for rs in self._by_tx.values() for r in rs), key=_resend_order)


def _fingerprint(tx_id: str, requested_to: str | None) -> tuple[str, str | None]:
    return tx_id, requested_to.casefold() if requested_to else None


def _resend_order(resend: Resend) -> str:
    return resend["resend_id"]
