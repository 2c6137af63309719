"""The caller's deadline, as the storage layer sees it: how long a read or a write may wait.

The repositories keep their signatures (`store.actions.claim_run(intent)`), so the deadline of
the command being served travels in a context variable instead of a parameter:

    with database_deadline(context.deadline):       # the event loop's clock, as asyncio uses
        claim = await store.actions.claim_run(intent)

Every read and write waits at most the time left before that deadline, and never more than its
own bound (`WritePolicy.write_timeout_s`, `read_timeout_s`) when no deadline is given.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

__all__ = ["abandon_after", "database_deadline", "time_left"]

T = TypeVar("T")

_DEADLINE: ContextVar[float | None] = ContextVar("supportbot_storage_deadline", default=None)
#: However late the caller already is, a database call gets this long (a deadline in the past
#: would otherwise fail a write that the database could still commit at once).
MIN_WAIT_S = 0.05


@contextmanager
def database_deadline(at: float | None) -> Iterator[None]:
    """Bound the reads and writes inside the block by `at` (`loop.time()` seconds); None: no
    deadline of the caller's (each call keeps its own bound). Nested deadlines: the earlier."""
    current = _DEADLINE.get()
    if at is not None and current is not None:
        at = min(at, current)
    token = _DEADLINE.set(at if at is not None else current)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def time_left(bound_s: float) -> float:
    """Seconds a database call may wait now: `bound_s`, or less when the caller's deadline is
    nearer (never less than MIN_WAIT_S)."""
    at = _DEADLINE.get()
    if at is None:
        return bound_s
    left = at - asyncio.get_running_loop().time()
    return max(MIN_WAIT_S, min(bound_s, left))


async def abandon_after(
    work: Coroutine[Any, Any, T],
    timeout: float,
    *,
    when_done: Callable[[asyncio.Task[T]], object] | None = None,
) -> T:
    """`await work`, for at most `timeout` seconds; then TimeoutError, while `work` is
    cancelled and left to end in the background (`when_done(task)` runs when it has).

    Not `asyncio.timeout`: cancelling a psycopg query waits for the server to confirm the
    cancel (~10 s from a frozen one), which would hold the caller that long past its time.
    """
    task = asyncio.ensure_future(work)
    try:
        done, _ = await asyncio.wait({task}, timeout=timeout)
    except asyncio.CancelledError:
        task.cancel()
        raise
    if done:
        return task.result()
    task.cancel()
    task.add_done_callback(_retrieved if when_done is None else when_done)
    raise TimeoutError(f"no answer in {timeout:g} s")


def _retrieved(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()  # retrieved: no "exception was never retrieved" at exit
