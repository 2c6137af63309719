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

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from .deadlines import abandon_after, time_left
from .errors import StorageUnavailable
from .faults import DatabaseTarget, describe, is_unavailable
from .local_reads import LocalReads

__all__ = ["Reader"]

T = TypeVar("T")


class Reader:
    """Runs reads on the pooled sessions, each within its time."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        target: DatabaseTarget,
        bound_s: float,
        *,
        local: LocalReads | None = None,
    ) -> None:
        self.sessions = sessions
        self.target = target
        self.bound_s = bound_s
        self.local = local

    async def __call__(self, query: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """`await query(session)` in a fresh session, within the caller's time."""
        return await self._bounded(self._read(query))

    async def sync(self, query: Callable[[Session], T]) -> T:
        """`query(session)`, a plain function, in a fresh session, within the caller's time."""
        return await self._bounded(self._read_sync(query))

    async def _bounded(self, read: Coroutine[Any, Any, T]) -> T:
        timeout = time_left(self.bound_s)
        try:
            return await abandon_after(read, timeout)
        except Exception as error:
            if is_unavailable(error):
                problem = describe(error, self.target, round(timeout, 2))
                raise StorageUnavailable(problem) from error
            raise

    async def _read(self, query: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async with self.sessions() as session:
            return await query(session)

    async def _read_sync(self, query: Callable[[Session], T]) -> T:
        if self.local is not None:
            return await self.local.run(query)
        async with self.sessions() as session:
            return await session.run_sync(query)
