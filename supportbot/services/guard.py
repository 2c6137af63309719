"""The policy every service call passes through: slots, breaker, rate limit, retries, metrics.

`ServiceClient.execute` hands each call to its service's `ServiceGuard`, which runs one or more
attempts (`ServiceClient.attempt`: one HTTP exchange, classified) under the service's policy::

    call ─> retry loop (idempotent requests only, inside the deadline)
              └─> attempt: told to wait by a 429?  ─ yes ─> rate_limited, not sent
                           breaker open?           ─ yes ─> circuit_open, not sent
                           a free slot in time?    ─ no ──> busy, not sent
                           send, with min(timeout_s, time left) ─> result
                           └─> breaker, metrics, early warning and the log see every attempt

The concurrency cap (`max_concurrency`) is a bulkhead: a hanging service holds at most that many
connections, while every other service keeps its own slots and connections.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from supportbot.core.errors import ServiceBusy, ServiceCircuitOpen, ServiceError, ServiceRateLimited
from supportbot.core.settings import ServiceSettings

from . import wording as messages
from .alerts import ErrorRateMonitor
from .breaker import BreakerState, CircuitBreaker, Permit
from .failures import timed_out_after_tries
from .metrics import Metrics
from .results import ServiceResult, current_deadline
from .retry import RetryPolicy, is_idempotent, retryable_kind

if TYPE_CHECKING:
    from .clients import ServiceCall

__all__ = ["BREAKER_KINDS", "Attempt", "ServiceGuard"]

log = logging.getLogger("supportbot.services")

#: Failures that say the service itself is unwell; they move the breaker. A 4xx, a bad body or
#: a 429 do not: the service answered, and failing fast would not help.
#: A slot freed this close to the end of a call's wait for it comes too late.
SLOT_TIE_S = 0.01
BREAKER_KINDS = frozenset({"timeout", "unavailable", "refused", "server_error"})

#: One exchange: send `call`, waiting at most the given seconds, and classify what came back.
Attempt = Callable[["ServiceCall", float], Awaitable[ServiceResult[Any]]]


class ServiceGuard:
    """The resilience policy of one service. One per `ServiceClient`; one event loop."""

    def __init__(
        self,
        name: str,
        settings: ServiceSettings,
        *,
        metrics: Metrics,
        monitor: ErrorRateMonitor | None = None,
    ) -> None:
        self.name = name
        self.settings = settings
        self.metrics = metrics
        self.monitor = monitor
        self.breaker: CircuitBreaker | None = None
        if settings.breaker:
            self.breaker = CircuitBreaker(
                failures=settings.breaker_failures,
                error_rate=settings.breaker_error_rate,
                window_s=settings.breaker_window_s,
                min_calls=settings.breaker_min_calls,
                reset_s=settings.breaker_reset_s,
                on_change=self._breaker_changed,
            )
        metrics.watch_breaker(name, self, _gauge_of)
        self.retry = RetryPolicy(
            retries=settings.retries,
            backoff_s=settings.retry_backoff_s,
            backoff_max_s=settings.retry_backoff_max_s,
            timeout_s=settings.timeout_s,
        )
        self._slots = asyncio.Semaphore(settings.max_concurrency)
        self._in_flight = metrics.service_in_flight.labels(name)
        self._rate_limited_until = 0.0

    @property
    def breaker_state(self) -> BreakerState:
        """The breaker's state (always closed when the breaker is switched off)."""
        return self.breaker.state if self.breaker is not None else BreakerState.CLOSED

    async def run(self, call: ServiceCall, attempt: Attempt) -> ServiceResult[Any]:
        """Send `call` under the policy; the last attempt's result. Raises only for a bug."""
        deadline = current_deadline()
        if self.settings.retries == 0 or not is_idempotent(call.method, call.headers):
            return await self._once(call, attempt, deadline)

        def on_retry(result: ServiceResult[Any], number: int, wait: float) -> None:
            self.metrics.service_retries.labels(self.name).inc()
            kind = result.error.kind if result.error else "ok"
            log.info(
                "%s %s: attempt %d failed (%s), retrying in %.2f s",
                self.name,
                call.method,
                number,
                kind,
                wait,
                extra={"service": self.name, "error_kind": kind},
            )

        # The first attempt goes outside the retry loop: most succeed, and then cost no more
        # than a call without retries. Only a failure worth retrying enters the loop.
        started = time.monotonic()
        first: ServiceResult[Any] | None = await self._once(call, attempt, deadline)
        assert first is not None
        if first.ok or not self._worth_retrying(first):
            return first
        tries = 1

        async def once() -> ServiceResult[Any]:
            nonlocal first, tries
            if first is not None:  # the loop's own first attempt is the one already made
                made, first = first, None
                return made
            tries += 1
            return await self._once(call, attempt, deadline)

        result = await self.retry.run(
            once,
            deadline=deadline,
            should_retry=self._worth_retrying,
            on_retry=on_retry,
        )
        return timed_out_after_tries(result, tries, time.monotonic() - started)

    def _worth_retrying(self, result: ServiceResult[Any]) -> bool:
        if not retryable_kind(result):
            return False
        # An open breaker or a long Retry-After answers the next attempt already: not sent.
        return not (self.breaker is not None and self.breaker.would_reject())

    async def _once(
        self, call: ServiceCall, attempt: Attempt, deadline: float | None
    ) -> ServiceResult[Any]:
        loop = asyncio.get_running_loop()
        wait = self._rate_limited_until - time.monotonic()
        if wait > 0:
            return self._not_sent(call, self._rate_limited(wait))
        if self.breaker is not None and self.breaker.would_reject():
            return self._not_sent(call, self._circuit_open())
        timeout = self.settings.timeout_s
        left = None if deadline is None else max(0.0, deadline - loop.time())
        if self._slots.locked():
            limit = timeout if left is None else left
            queued = loop.time()
            try:
                # A queue for a slot may last as long as the command can wait (a burst of
                # commands on a busy loop); without a deadline, as long as one attempt may.
                async with asyncio.timeout(limit):
                    await self._slots.acquire()
            except TimeoutError:
                return self._not_sent(call, self._busy())
            # Freed just as the wait ran out (two timers of one length fire in either order):
            # too late all the same, so the answer does not depend on which fired first.
            if loop.time() - queued >= limit - SLOT_TIE_S:
                self._slots.release()
                return self._not_sent(call, self._busy())
        else:
            await self._slots.acquire()  # free: returns at once, no timeout scope needed
        try:
            permit = self.breaker.acquire() if self.breaker is not None else Permit()
            if permit is None:
                return self._not_sent(call, self._circuit_open())
            left = None if deadline is None else max(0.0, deadline - loop.time())
            budget = timeout if left is None else min(timeout, left)
            self._in_flight.inc()
            try:
                result = await attempt(call, budget)
            except BaseException:
                if self.breaker is not None:
                    self.breaker.release(permit)
                raise
            finally:
                self._in_flight.dec()
            self._observe(result, permit, cut_short=budget < timeout)
            return result
        finally:
            self._slots.release()

    def _observe(self, result: ServiceResult[Any], permit: Permit, *, cut_short: bool) -> None:
        kind = result.error.kind if result.error is not None else None
        if self.breaker is not None:
            # A timeout cut short by the command's deadline says nothing about the service.
            unwell = kind in BREAKER_KINDS and not (kind == "timeout" and cut_short)
            self.breaker.record(permit, failed=unwell, kind=kind)
        retry_after = getattr(result.error, "retry_after", None)
        if isinstance(result.error, ServiceRateLimited) and retry_after:
            self._rate_limited_until = max(self._rate_limited_until, time.monotonic() + retry_after)
        self.metrics.service_seconds.labels(self.name).observe(result.elapsed_ms / 1000)
        self._count(result)

    def _count(self, result: ServiceResult[Any]) -> None:
        error = result.error
        outcome = "ok" if error is None else error.kind
        self.metrics.service_calls.labels(self.name, outcome).inc()
        failed = error is not None and not result.not_found
        if failed and error is not None:
            self.metrics.service_errors.labels(self.name, error.kind).inc()
        if self.monitor is not None:
            self.monitor.record(self.name, failed=failed, kind=outcome if failed else None)

    def _not_sent(self, call: ServiceCall, error: ServiceError) -> ServiceResult[Any]:
        result: ServiceResult[Any] = ServiceResult(
            service=self.name,
            data=None,
            status=getattr(error, "status", None),
            error=error,
            method=call.method,
            path=call.path,
        )
        self._count(result)
        return result

    def _circuit_open(self) -> ServiceCircuitOpen:
        retry_in = self.breaker.retry_in() if self.breaker is not None else 0.0
        return ServiceCircuitOpen(
            self.name,
            f"not sent: circuit breaker open, next probe in {retry_in:.1f} s",
            retry_in=retry_in,
            user_message=messages.service_circuit_open(self.name),
        )

    def _rate_limited(self, wait: float) -> ServiceRateLimited:
        return ServiceRateLimited(
            self.name,
            429,
            f"not sent: asked to wait {wait:.1f} s more (Retry-After)",
            retry_after=wait,
            user_message=messages.service_rate_limited(self.name, wait),
        )

    def _busy(self) -> ServiceBusy:
        return ServiceBusy(
            self.name,
            f"not sent: all {self.settings.max_concurrency} slots stayed taken",
            user_message=messages.service_busy(self.name),
        )

    def _breaker_changed(self, state: BreakerState) -> None:
        if state is BreakerState.OPEN:
            self.metrics.breaker_opened.labels(self.name).inc()
            log.warning(
                "%s circuit breaker opened: calls fail fast for %g s",
                self.name,
                self.settings.breaker_reset_s,
                extra={"service": self.name, "breaker": state.value},
            )
        else:
            log.info(
                "%s circuit breaker %s",
                self.name,
                state.value.replace("_", "-"),
                extra={"service": self.name, "breaker": state.value},
            )


def _gauge_of(guard: ServiceGuard) -> int:
    return guard.breaker_state.gauge
