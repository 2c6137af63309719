"""The health of each configured service, as `/status` and `supportbot doctor` show it.

A check probes the service's `health_path` directly (no retry, no breaker: the point is to see
the service as it is now), and adds what the bot has seen lately: the breaker's state and the
recent error rate from the early warning.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from . import wording as messages
from .breaker import BreakerState

if TYPE_CHECKING:
    from .clients import ServiceClient, Services

__all__ = ["HealthStatus", "ServiceHealth", "check_service", "check_services"]

#: ok: nothing to do; warn: works, but someone should look; fail: broken now; skip: not checked.
HealthStatus = Literal["ok", "warn", "fail", "skip"]


@dataclass(frozen=True)
class ServiceHealth:
    """One service's health: the probe's verdict plus what recent calls saw."""

    service: str
    status: HealthStatus
    #: What a person reads: "answers in 12 ms", "billing could not be reached", ...
    detail: str
    latency_ms: float | None = None
    #: The probe's error kind ("timeout", "auth", ...); None when it answered.
    kind: str | None = None
    breaker: str = BreakerState.CLOSED.value
    recent_calls: int = 0
    recent_failed: int = 0

    @property
    def ok(self) -> bool:
        """True unless the service is failing now."""
        return self.status != "fail"


async def check_service(client: ServiceClient, services: Services | None = None) -> ServiceHealth:
    """Probe one service and combine the answer with its breaker and recent errors."""
    result = await client.probe()
    notes: list[str] = []
    status: HealthStatus
    if result.ok:
        status, detail = "ok", messages.health_ok(result.elapsed_ms)
    elif result.not_found:
        status = "warn"
        detail = messages.health_no_endpoint(client.settings.health_path, result.status or 404)
    else:
        assert result.error is not None
        status, detail = "fail", result.error.user_message
    env = client.settings.auth_env
    if env and not os.environ.get(env):
        notes.append(messages.health_credential_missing(env))
        status = "fail" if status == "fail" else "warn"
    guard = client.guard
    breaker = guard.breaker_state
    if breaker is not BreakerState.CLOSED and guard.breaker is not None:
        notes.append(messages.health_breaker_open(guard.breaker.retry_in()))
        status = "fail" if status == "fail" else "warn"
    calls = failed = 0
    monitor = services.monitor if services is not None else None
    if monitor is not None:
        counts = monitor.counts(client.name)
        calls, failed = counts.calls, counts.failed
        if failed:
            notes.append(messages.health_recent_errors(failed, calls, monitor.window_s))
    return ServiceHealth(
        service=client.name,
        status=status,
        detail="; ".join([detail, *notes]),
        latency_ms=result.elapsed_ms if result.status is not None else None,
        kind=result.error.kind if result.error is not None else None,
        breaker=breaker.value,
        recent_calls=calls,
        recent_failed=failed,
    )


async def check_services(services: Services) -> list[ServiceHealth]:
    """Every service's health, probed concurrently, in configuration order."""
    return list(
        await asyncio.gather(*(check_service(services[name], services) for name in services))
    )
