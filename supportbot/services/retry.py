"""Retries of idempotent service calls: exponential backoff with full jitter, inside the deadline.

Only a request that is safe to send twice is retried: GET, HEAD and OPTIONS, or any request
carrying an ``Idempotency-Key`` header (the service then answers a repeat with the first answer).
A POST without a key is sent exactly once, whatever happens to it.

What is retried: a timeout, a connection reset, a 429 and a 5xx; a refused connection once, at
once (nothing listens there: backoff would only make the agent wait). A 429's Retry-After
is honoured: the next attempt waits at least that long, and when that wait does not fit in the
command's remaining deadline there is no next attempt. No retry ever starts after the deadline,
and a timed-out attempt is retried only when a whole new timeout still fits before it (a service
that hangs would otherwise eat the command's time that the rest of the answer needs).

The loop is tenacity's (`AsyncRetrying`): its stop, wait and retry strategies compose, and its
jittered exponential wait is the one AWS's "Exponential Backoff and Jitter" recommends.
"""

from __future__ import annotations

import asyncio
import email.utils
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_result,
    stop_after_attempt,
    wait_random_exponential,
)
from tenacity.stop import stop_base

from .idempotency import with_action_key
from .results import ServiceResult

__all__ = [
    "IDEMPOTENT_METHODS",
    "MIN_ATTEMPT_S",
    "RETRYABLE_KINDS",
    "RetryPolicy",
    "is_idempotent",
    "parse_retry_after",
    "retryable_kind",
]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RETRYABLE_KINDS = frozenset({"timeout", "unavailable", "refused", "rate_limited", "server_error"})
#: A retry starts only if at least this much of the deadline is left once its wait is over.
MIN_ATTEMPT_S = 0.05
#: Longest Retry-After taken at its word; anything longer is read as this.
MAX_RETRY_AFTER_S = 3600.0
#: A refused connection means nothing listens: not a flap that backoff outlasts, but a service
#: that is down or restarting. It gets this many quick retries, each after at most
#: REFUSED_WAIT_S, so a dead service costs a lookup a fraction of a second, not the backoff.
REFUSED_RETRIES = 1
REFUSED_WAIT_S = 0.1


def is_idempotent(method: str, headers: Mapping[str, str] | None) -> bool:
    """True when sending this request twice does no more than sending it once: a safe method,
    or a key (the command's own header, or the running action's, which the client adds)."""
    if method.upper() in IDEMPOTENT_METHODS:
        return True
    headers = with_action_key(method, headers)
    return any(key.lower() == "idempotency-key" and value for key, value in (headers or {}).items())


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None if unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_S)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delta = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(0.0, delta), MAX_RETRY_AFTER_S)


class _StopWhenRefused(stop_base):
    """Stop once a refused connection has had its REFUSED_RETRIES."""

    def __call__(self, retry_state: RetryCallState) -> bool:
        error = _result_of(retry_state).error
        return (
            error is not None
            and error.kind == "refused"
            and retry_state.attempt_number > REFUSED_RETRIES
        )


class _StopAtDeadline(stop_base):
    """Stop when the coming wait plus the next attempt would end past the deadline: a minimal
    attempt after a quick failure, a whole `timeout_s` after a timeout."""

    def __init__(self, deadline: float | None, timeout_s: float) -> None:
        self.deadline = deadline
        self.timeout_s = timeout_s

    def __call__(self, retry_state: RetryCallState) -> bool:
        if self.deadline is None:
            # No deadline known (a call awaited outside `gather`): never wait longer than one
            # attempt may take, so a long Retry-After fails the call instead of blocking it.
            return retry_state.upcoming_sleep > self.timeout_s
        error = _result_of(retry_state).error
        needed = self.timeout_s if error is not None and error.kind == "timeout" else MIN_ATTEMPT_S
        now = asyncio.get_running_loop().time()
        return now + retry_state.upcoming_sleep + needed > self.deadline


def _result_of(state: RetryCallState) -> ServiceResult[Any]:
    assert state.outcome is not None, "tenacity calls back after an attempt"
    result: ServiceResult[Any] = state.outcome.result()
    return result


OnRetry = Callable[[ServiceResult[Any], int, float], None]


class RetryPolicy:
    """How often and how patiently to try an idempotent call again."""

    def __init__(
        self, *, retries: int, backoff_s: float, backoff_max_s: float, timeout_s: float
    ) -> None:
        self.retries = retries
        self.timeout_s = timeout_s
        self._jitter = wait_random_exponential(multiplier=backoff_s, max=backoff_max_s)

    def wait_before(self, state: RetryCallState) -> float:
        """The wait before the next attempt: jittered backoff, or Retry-After when longer."""
        backoff = float(self._jitter(state))
        if getattr(_result_of(state).error, "kind", None) == "refused":
            backoff = min(backoff, REFUSED_WAIT_S)
        retry_after = getattr(_result_of(state).error, "retry_after", None)
        return max(backoff, retry_after) if retry_after is not None else backoff

    async def run(
        self,
        attempt: Callable[[], Awaitable[ServiceResult[Any]]],
        *,
        deadline: float | None,
        should_retry: Callable[[ServiceResult[Any]], bool],
        on_retry: OnRetry | None = None,
    ) -> ServiceResult[Any]:
        """Call `attempt` until it succeeds, may not be retried, or time or attempts run out.

        Returns the last attempt's result; never raises for a failed attempt.
        """

        def retryable(result: ServiceResult[Any]) -> bool:
            return result.error is not None and should_retry(result)

        def before_sleep(state: RetryCallState) -> None:
            if on_retry is not None:
                on_retry(_result_of(state), state.attempt_number, state.upcoming_sleep)

        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.retries + 1)
            | _StopWhenRefused()
            | _StopAtDeadline(deadline, self.timeout_s),
            wait=self.wait_before,
            retry=retry_if_result(retryable),
            before_sleep=before_sleep,
            retry_error_callback=_result_of,
            reraise=True,
        )
        result: ServiceResult[Any] = await retrying(attempt)
        return result


def retryable_kind(result: ServiceResult[Any]) -> bool:
    """True when the failure is one a second attempt may cure."""
    return result.error is not None and result.error.kind in RETRYABLE_KINDS
