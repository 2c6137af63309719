"""Reads, bounded: a query waits at most the caller's deadline (or `read_timeout_s`), even on a
frozen server.

A read runs in a task of its own and the caller waits for that task with a timeout. Cancelling
a psycopg query makes psycopg ask the server to cancel it and wait for the answer (up to 10 s
more, against a frozen server); here that wait happens in the background, and the caller is
answered at its deadline with StorageUnavailable. Errors that say the database is unavailable
become StorageUnavailable too, with the sentence `store.health()` would use; any other error
(a bug, a bad argument) is raised as it is.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .deadlines import time_left
from .errors import StorageUnavailable
from .faults import DatabaseTarget, describe, is_unavailable

__all__ = ["Reader"]

T = TypeVar("T")


class Reader:
    """Runs reads on the pooled sessions, each within its time."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], target: DatabaseTarget, bound_s: float
    ) -> None:
        self.sessions = sessions
        self.target = target
        self.bound_s = bound_s

    async def __call__(self, query: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """`await query(session)` in a fresh session, within the caller's time."""
        timeout = time_left(self.bound_s)
        task = asyncio.ensure_future(self._read(query))
        try:
            done, _ = await asyncio.wait({task}, timeout=timeout)
        except asyncio.CancelledError:
            task.cancel()
            raise
        if not done:
            task.cancel()  # finishes in the background
            task.add_done_callback(_consume)
            raise StorageUnavailable(describe(TimeoutError(), self.target, round(timeout, 2)))
        error = task.exception()
        if error is None:
            return task.result()
        if is_unavailable(error):
            raise StorageUnavailable(describe(error, self.target, round(timeout, 2))) from error
        raise error

    async def _read(self, query: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async with self.sessions() as session:
            return await query(session)


def _consume(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()  # retrieved: no "exception was never retrieved" at exit
