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

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .deadlines import abandon_after, time_left
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
        try:
            return await abandon_after(self._read(query), timeout)
        except Exception as error:
            if is_unavailable(error):
                problem = describe(error, self.target, round(timeout, 2))
                raise StorageUnavailable(problem) from error
            raise

    async def _read(self, query: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async with self.sessions() as session:
            return await query(session)
