"""What one service call gives back, and running many calls at once with partial results.

`ServiceResult` never hides a failure and never raises on its own: a command looks at `ok`,
`not_found` or `error`, or calls `unwrap()` when it cannot go on without the data. `gather` runs
calls concurrently under the command's remaining deadline; a call that fails or is still running
at the deadline costs only its own part of the answer.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from supportbot.core.errors import ServiceError, ServiceNotFound, ServiceTimeout

from . import wording as messages

__all__ = ["ServiceResult", "current_deadline", "gather", "shown_seconds"]

T = TypeVar("T")

#: Failures of requests that never reached the service (so nothing can have changed).
NOT_SENT_KINDS = frozenset({"circuit_open", "busy", "refused", "error"})

# The loop time by which the calls started by `gather` must end. Tasks copy the context they are
# created in, so each call sees the deadline of the gather that started it, and the retry layer
# never starts an attempt it cannot finish.
_DEADLINE: ContextVar[float | None] = ContextVar("supportbot_service_deadline", default=None)


def current_deadline() -> float | None:
    """The event-loop time the running service call must end by (None: no deadline known)."""
    return _DEADLINE.get()


@dataclass(frozen=True, slots=True)
class ServiceResult(Generic[T]):
    """The outcome of one service call: the data, or the error that took its place.

    `data` is the parsed JSON body when `ok` (None for 204 or an empty body) and None otherwise.
    `status` is the HTTP status when the service answered at all. `elapsed_ms` is wall time from
    sending to classifying, or to the deadline for a call that was stopped.
    """

    service: str
    data: T = field(repr=False)
    status: int | None = None
    error: ServiceError | None = None
    elapsed_ms: float = 0.0
    method: str = ""
    path: str = field(default="", repr=False)

    @property
    def ok(self) -> bool:
        """True when the service answered 2xx with a readable body."""
        return self.error is None

    @property
    def not_found(self) -> bool:
        """True when the service says the thing does not exist (HTTP 404): an answer, no fault."""
        return isinstance(self.error, ServiceNotFound)

    @property
    def refused(self) -> bool:
        """The service answered 4xx (429 aside): it decided against the request, and sending
        the same request again gets the same answer."""
        status = self.status
        return (
            self.error is not None
            and status is not None
            and 400 <= status < 500
            and status != 429
            and self.error.kind not in NOT_SENT_KINDS
        )

    @property
    def nothing_changed(self) -> bool:
        """For a request that changes something: True when it certainly did not happen (the
        service refused it, or it was never sent: breaker open, no slot, Retry-After, nothing
        listening); False when it happened or may have (a timeout, a 5xx, an unreadable answer
        to a sent request)."""
        if self.error is None:
            return False
        return self.refused or self.status == 429 or self.error.kind in NOT_SENT_KINDS

    @property
    def refusal(self) -> str | None:
        """Why the service refused (a 4xx whose JSON body says, under `error`, `message` or
        `detail`), cut to 300 characters; None for anything else."""
        payload = getattr(self.error, "payload", None)
        if not isinstance(payload, dict):
            return None
        for key in ("error", "message", "detail"):
            value = payload.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()[:300]
        return None

    def unwrap(self) -> T:
        """The data; raises the `ServiceError` instead when the call failed."""
        if self.error is not None:
            raise self.error
        return self.data

    @classmethod
    def success(
        cls, service: str, data: T, *, status: int = 200, elapsed_ms: float = 0.0
    ) -> ServiceResult[T]:
        """A successful result, e.g. for a fake in a test or a cached answer."""
        return cls(service=service, data=data, status=status, elapsed_ms=elapsed_ms)

    @classmethod
    def failure(
        cls, error: ServiceError, *, status: int | None = None, elapsed_ms: float = 0.0
    ) -> ServiceResult[Any]:
        """A failed result carrying `error` (its service names the result's service)."""
        if status is None:
            status = getattr(error, "status", 404 if isinstance(error, ServiceNotFound) else None)
        return ServiceResult(
            service=error.service, data=None, status=status, error=error, elapsed_ms=elapsed_ms
        )


def shown_seconds(value: float) -> float:
    """Seconds rounded for people: two significant digits (2.3456 -> 2.3, 0.0512 -> 0.051)."""
    return float(f"{value:.2g}")


async def gather(
    *calls: Awaitable[ServiceResult[Any]], timeout: float | None = None
) -> list[ServiceResult[Any]]:
    """Run `calls` concurrently and return one result per call, in argument order.

    `calls` are `ServiceCall`s or any awaitables returning a `ServiceResult`; an awaitable that
    raises a `ServiceError` becomes a failed result. A failure in one call never cancels the
    others. When `timeout` seconds (the command's remaining deadline) pass, calls still running
    are cancelled and become `ServiceTimeout` results; finished ones keep their data.

    Any other exception is a bug: the remaining calls are cancelled and it is raised. If the task
    awaiting `gather` is cancelled, every call is cancelled with it.
    """
    if not calls:
        return []
    started = time.perf_counter()
    loop = asyncio.get_running_loop()
    deadline = None if timeout is None else loop.time() + max(0.0, timeout)
    # A gather inside a call run by another gather keeps the earlier of the two deadlines.
    inherited = _DEADLINE.get()
    if deadline is not None:
        inherited = deadline if inherited is None else min(inherited, deadline)
    token = _DEADLINE.set(inherited)
    try:
        # A coroutine becomes the task itself so that, if it is cancelled before it starts, it
        # is still closed properly (no "never awaited" warning); other awaitables get wrapped.
        tasks = [
            loop.create_task(call) if asyncio.iscoroutine(call) else asyncio.ensure_future(call)
            for call in calls
        ]
    finally:
        _DEADLINE.reset(token)
    pending: set[asyncio.Future[ServiceResult[Any]]] = set(tasks)
    try:
        while pending:
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                break
            done, pending = await asyncio.wait(
                pending, timeout=remaining, return_when=asyncio.FIRST_EXCEPTION
            )
            bug = _first_bug(done)
            if bug is not None:
                raise bug
    finally:
        # Runs on the deadline, on a bug and when the caller is cancelled: nothing is left behind.
        await _cancel_and_wait(pending)
    return [
        _result_of(call, task, timeout, started) for call, task in zip(calls, tasks, strict=True)
    ]


def _first_bug(done: Iterable[asyncio.Future[Any]]) -> BaseException | None:
    for task in done:
        if task.cancelled():
            continue
        exc = task.exception()
        if exc is not None and not isinstance(exc, ServiceError):
            return exc
    return None


async def _cancel_and_wait(tasks: set[asyncio.Future[ServiceResult[Any]]]) -> None:
    for task in tasks:
        task.cancel()
    if tasks:
        # Let the cancelled requests unwind (close their connections) before going on.
        await asyncio.wait(tasks)


def _result_of(
    call: object, task: asyncio.Future[ServiceResult[Any]], timeout: float | None, started: float
) -> ServiceResult[Any]:
    elapsed_ms = (time.perf_counter() - started) * 1000
    if task.cancelled():
        return _deadline_result(call, timeout or 0.0, elapsed_ms)
    exc = task.exception()
    if isinstance(exc, ServiceError):
        return ServiceResult.failure(exc, elapsed_ms=elapsed_ms)
    if exc is not None:
        raise exc
    result = task.result()
    if not isinstance(result, ServiceResult):
        raise TypeError(f"gather(): {call!r} gave {type(result).__name__}, not a ServiceResult")
    return result


def _deadline_result(call: object, timeout: float, elapsed_ms: float) -> ServiceResult[Any]:
    service = getattr(call, "service", None) or "a service"
    shown = shown_seconds(timeout)
    error = ServiceTimeout(
        service,
        f"still running at the command's deadline ({shown} s left when the calls started)",
        user_message=messages.service_timeout(service, shown),
    )
    return ServiceResult(
        service=service,
        data=None,
        error=error,
        elapsed_ms=elapsed_ms,
        method=getattr(call, "method", ""),
        path=getattr(call, "path", ""),
    )
