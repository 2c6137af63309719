"""SQLite reads in one thread hop: a read's statements run together on a plain sqlite3
connection in a small thread pool, instead of four event-loop round trips per statement.

aiosqlite runs each cursor call (cursor, execute, fetchall, close) and each rollback in its
thread and wakes the event loop for every one: six round trips for a one-statement read, about
0.5 ms of CPU per statement on this machine, which made the reads of a `/merchant` card cost
more than its four service calls. A read written as a plain function of a `Session`
(`Reader.sync`) runs here in one hop whatever its number of statements.

The connections are set up as the async engine's (busy timeout, WAL, no memory map, `mode=rw`,
the file guard), so a deleted, replaced or locked file is reported the same way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["LocalReads", "READ_THREADS"]

T = TypeVar("T")

#: Threads (and pooled connections) for reads: SQLite readers do not block each other in WAL
#: mode, and a card's reads are short, so a few cover two cores.
READ_THREADS = 4


class LocalReads:
    """Runs plain-function reads on `engine` (a sync SQLite engine) in a thread pool."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._threads = ThreadPoolExecutor(READ_THREADS, thread_name_prefix="supportbot-read")

    async def run(self, query: Callable[[Session], T]) -> T:
        """`query(session)` in a fresh session on a pool thread."""
        return await asyncio.get_running_loop().run_in_executor(self._threads, self._call, query)

    def _call(self, query: Callable[[Session], T]) -> T:
        with self._sessions() as session:
            return query(session)

    def close(self) -> None:
        """Let running reads end, then close every connection."""
        self._threads.shutdown(wait=True)
        self.engine.dispose()
