"""The one write path of a process: a queue, one writer connection (a few on PostgreSQL), and
group commit.

Every write waiting when a writer is free goes into one transaction, one commit, one fsync:

- a change that needs no answer (`Insert`, `Update`: an audit row, an outcome) is grouped with
  the others of its table and written with one executemany;
- a job that returns something (a conditional UPDATE that must win once, a claim) runs inside its
  own SAVEPOINT of that transaction, so one failing job cannot undo the others; its caller
  awaits its result.

Every caller waits at most its deadline (see `deadlines`), and never longer than
`WritePolicy.write_timeout_s`. A failed group is retried briefly. When the database stays
unavailable (or does not answer in time), the writer says so in its health state and:

- changes go to the spool (`spool.Spool`, fsynced) and their callers go on: no row is dropped;
- jobs fail at once with `StorageUnavailable` ("could not record this, nothing was done").

A recovery task then probes the database and replays the spool into it (each row once: see
`changes`); writes go back to the database only when the spool is empty again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from . import wording as messages
from .changes import (
    Change,
    decode,
    encode,
    replay,
)
from .deadlines import abandon_after, time_left
from .errors import StorageUnavailable
from .faults import DatabaseTarget, describe, is_unavailable
from .group import Job, Outcome, QueuedWrite, Refused, settle, write_group
from .health import HealthState
from .hot_inserts import OneHopInserts, plain_inserts
from .spool import Spool
from .sqlite_file import SqliteFile

__all__ = ["Job", "WritePolicy", "Writer"]

log = logging.getLogger("supportbot.storage")

T = TypeVar("T")
_RECOVERY = -1  # the connection slot of the recovery task


@dataclass(frozen=True)
class WritePolicy:
    """How long the write path waits, and how it retries. The defaults are the bot's."""

    #: A write not committed by then is spooled (a job fails): also the bound of one attempt.
    write_timeout_s: float = 3.0
    #: A read waits at most this long (or the caller's deadline).
    read_timeout_s: float = 5.0
    #: Pauses between the attempts of a failed group, before the writer gives up and spools.
    retry_delays_s: tuple[float, ...] = (0.05, 0.25)
    #: While the database is away: how often it is probed, and the longest pause in between.
    probe_every_s: float = 0.5
    max_probe_every_s: float = 5.0
    #: The most writes one transaction takes.
    max_batch: int = 2000


class Writer:
    """The write path of one Store. Started by its first write; `close()` drains it."""

    def __init__(
        self,
        engine: AsyncEngine,
        spool: Spool,
        target: DatabaseTarget,
        *,
        policy: WritePolicy,
        sqlite_file: SqliteFile | None = None,
        writers: int = 1,
    ) -> None:
        self.engine = engine
        self.spool = spool
        self.target = target
        self.policy = policy
        self.health = HealthState()
        self._file = sqlite_file
        self._writers = writers
        self._queue: deque[QueuedWrite] = deque()
        self._wake: asyncio.Event | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._recovery: asyncio.Task[None] | None = None
        self._draining: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[Any]] = set()
        self._connections: dict[int, AsyncConnection] = {}
        self._in_flight = 0
        self._closing = False
        #: Transactions committed so far (what group commit saves reads as rows per commit).
        self.commits = 0
        #: Groups of plain inserts on SQLite: one trip to the driver's thread (`hot_inserts`).
        self._one_hop = OneHopInserts(engine.dialect) if engine.dialect.name == "sqlite" else None

    # --- what callers use ----------------------------------------------------------------

    async def write(self, change: Change) -> None:
        """Commit `change` with the next group, or spool it; returns once it is durable.

        IntegrityError (and other errors about the row itself) reach the caller."""
        self._start()
        if not self.health.ok:
            await self.spool.append([encode(change)])
            return
        await self._enqueue(QueuedWrite(self._future(), change, None))

    async def run(self, job: Job[T]) -> T:
        """Run `job(connection)` inside the next group's transaction (in a SAVEPOINT of its
        own) and return what it returns once that is committed. Raises StorageUnavailable when
        the database cannot commit it in time: nothing of it was kept."""
        self._start()
        problem = self.health.problem
        if problem is not None:
            raise StorageUnavailable(problem)
        result: T = await self._enqueue(QueuedWrite(self._future(), None, job))
        return result

    def housekeep(self, job: Job[Any]) -> None:
        """Run `job` with a coming group, without waiting for it; dropped if anything fails
        (deleting expired rows can always wait for the next time)."""
        self._start()
        if self.health.ok:
            item = QueuedWrite(self._future(), None, job)
            item.tidy = True
            self._enqueue_nowait(item)

    def start(self) -> None:
        """Open the spool and replay what a stopped process left in it, without waiting for a
        first write (which would otherwise start the writer). Needs a running event loop."""
        self._start()

    def notice(self, problem: str) -> None:
        """Someone else found the database unusable (the SQLite file is gone): stop writing to
        it, spool, and probe until it is back."""
        if self._wake is not None:
            self._enter_outage(problem)
        else:
            self.health.degrade(problem)

    # --- the queue -----------------------------------------------------------------------

    def _future(self) -> asyncio.Future[Any]:
        return asyncio.get_running_loop().create_future()

    def _enqueue_nowait(self, item: QueuedWrite) -> None:
        loop = asyncio.get_running_loop()
        item.enqueued = loop.time()
        item.timer = loop.call_at(
            item.enqueued + time_left(self.policy.write_timeout_s), self._expired, item
        )
        self._queue.append(item)
        assert self._wake is not None
        self._wake.set()

    async def _enqueue(self, item: QueuedWrite) -> Any:
        self._enqueue_nowait(item)
        return await item.future

    def _start(self) -> None:
        if self._wake is not None:
            return
        self._wake = asyncio.Event()
        self.spool.open()
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._work(n)) for n in range(self._writers)]
        if self.spool.count:
            self._drain()

    def _spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _take(self, limit: int) -> list[QueuedWrite]:
        batch: list[QueuedWrite] = []
        while self._queue and len(batch) < limit:
            item = self._queue.popleft()
            if self._wanted(item):
                batch.append(item)
        return batch

    @staticmethod
    def _wanted(item: QueuedWrite) -> bool:
        if item.change is not None:
            return not item.spooled  # a row is written even when its caller went away
        return not item.future.done()  # a job nobody waits for any more is not run

    def _expired(self, item: QueuedWrite) -> None:
        """A write's time is up before its commit: spool it (a job fails)."""
        item.timer = None
        if item.future.done() and item.change is None:
            return
        waited = asyncio.get_running_loop().time() - item.enqueued
        problem = self.health.problem or messages.database_no_answer(
            self.target.kind, round(waited, 2)
        )
        if waited >= self.policy.write_timeout_s * 0.99:  # not just a caller's short deadline
            self._enter_outage(problem)
        if item.change is None:
            settle(item, error=StorageUnavailable(problem))
        elif not item.spooled:
            item.spooled = True
            self._spawn(self._spool_items([item]))

    async def _spool_items(self, items: list[QueuedWrite]) -> None:
        await self.spool.append([encode(item.change) for item in items if item.change])
        for item in items:
            settle(item)
        if self.health.ok:  # spooled for a caller's short deadline: the database is fine
            self._drain()

    def _divert(self, items: list[QueuedWrite]) -> None:
        """The database is away: changes to the spool, jobs told at once."""
        problem = self.health.problem or messages.database_error(self.target.kind, "unknown")
        rows = [item for item in items if item.change is not None and not item.spooled]
        for item in items:
            if item.change is None:
                settle(item, error=StorageUnavailable(problem))
            else:
                item.spooled = True
        if rows:
            self._spawn(self._spool_items(rows))

    def _enter_outage(self, problem: str) -> None:
        if self.health.ok:
            log.error("database unavailable, writes go to the spool: %s", problem)
        self.health.degrade(problem)
        if (self._recovery is None or self._recovery.done()) and not self._closing:
            self._recovery = asyncio.get_running_loop().create_task(self._recover())

    # --- the writers ---------------------------------------------------------------------

    async def _work(self, slot: int) -> None:
        assert self._wake is not None
        while True:
            if not self._queue:
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            if not self.health.ok:
                self._divert(self._take(len(self._queue)))
                continue
            batch = self._take(self.policy.max_batch)
            if batch:
                await self._commit(slot, batch)

    async def _commit(self, slot: int, batch: list[QueuedWrite]) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        delays = list(self.policy.retry_delays_s)
        while batch:
            try:
                results = await self._bounded_attempt(slot, batch)
            except Exception as exc:
                if not is_unavailable(exc):
                    log.exception("the write path failed on %d writes", len(batch))
                    for item in batch:
                        settle(item, error=exc)
                    return
                waited = loop.time() - started
                problem = describe(exc, self.target, round(waited, 2))
                in_time = delays and waited + delays[0] < self.policy.write_timeout_s
                if in_time and self.health.ok:
                    log.warning("write failed, retrying: %s", problem)
                    await asyncio.sleep(delays.pop(0))
                    batch = [item for item in batch if self._wanted(item)]
                    for item in batch:
                        item.careful = True
                    continue
                self._enter_outage(problem)
                self._divert(batch)
                return
            self.commits += 1
            for item, value, error in results:
                settle(item, value, error)
            return

    async def _bounded_attempt(self, slot: int, batch: list[QueuedWrite]) -> list[Outcome]:
        """One attempt, within `write_timeout_s`. Past that it is abandoned: cancelled in the
        background, where psycopg may wait ~10 s for a frozen server to confirm the cancel,
        while this writer goes on (and says the database did not answer)."""
        bound = self.policy.write_timeout_s
        connection = self._connections.get(slot)
        try:
            if connection is None or connection.closed or connection.invalidated:
                connection = await asyncio.wait_for(self._connection(slot), bound)
            if self.engine.dialect.name == "sqlite":
                # aiosqlite gives up a cancelled call at once (its thread finishes alone): no
                # task needed, which saves a tenth of a millisecond a group.
                async with asyncio.timeout(bound):
                    return await self._attempt(connection, batch)
        except Exception:
            self._drop_connection(slot)
            raise
        abandoned = connection

        def close_when_done(task: asyncio.Task[Any]) -> None:
            if not task.cancelled():
                task.exception()
            self._spawn(_close_quietly(abandoned))

        try:
            return await abandon_after(
                self._attempt(connection, batch), bound, when_done=close_when_done
            )
        except TimeoutError:
            self._connections.pop(slot, None)  # closed by close_when_done, once it is free
            raise
        except Exception:
            self._drop_connection(slot)
            raise

    async def _connection(self, slot: int) -> AsyncConnection:
        connection = self._connections.get(slot)
        if connection is None or connection.closed or connection.invalidated:
            connection = await self.engine.connect()
            self._connections[slot] = connection
        return connection

    def _drop_connection(self, slot: int) -> None:
        """Forget a connection in an unknown state; closing it may hang (a frozen server), so
        that happens in the background."""
        connection = self._connections.pop(slot, None)
        if connection is not None:
            self._spawn(_close_quietly(connection))

    async def _attempt(
        self, connection: AsyncConnection, batch: list[QueuedWrite]
    ) -> list[Outcome]:
        self._in_flight += 1  # until it ends, abandoned or not: recovery waits for it
        try:
            row_by_row: set[str] = set()
            while True:
                if self._file is not None:
                    self._file.check()
                try:
                    results = await self._write_group(connection, batch, row_by_row)
                except Refused as refused:
                    row_by_row.add(refused.table)
                    continue
                if self._file is not None:
                    self._file.check()  # committed into a file that is no longer there?
                return results
        finally:
            self._in_flight -= 1

    async def _write_group(
        self, connection: AsyncConnection, batch: list[QueuedWrite], row_by_row: set[str]
    ) -> list[Outcome]:
        tables = plain_inserts(batch) if self._one_hop is not None and not row_by_row else None
        if tables is not None and self._one_hop is not None:
            results = await self._one_hop.write(connection, tables)
            if results is not None:
                return results
        async with connection.begin():
            bound = time_left(self.policy.write_timeout_s)
            return await write_group(connection, batch, row_by_row, bound)

    # --- recovery ------------------------------------------------------------------------

    async def _recover(self) -> None:
        """Probe the database until it takes writes, replay the spool, then say it is back."""
        delay = self.policy.probe_every_s
        while not self.health.ok and not self._closing:
            await asyncio.sleep(delay)
            while self._in_flight and not self._closing:
                await asyncio.sleep(0.02)  # an attempt still under way: its rows come first
            started = asyncio.get_running_loop().time()
            try:
                async with asyncio.timeout(self.policy.write_timeout_s + 0.001 * self.spool.count):
                    if await self._replay_spool():
                        log.warning("database back; the spool is replayed")
                        if self._wake is not None:
                            self._wake.set()
                        return
            except Exception as exc:
                self._drop_connection(_RECOVERY)
                if not is_unavailable(exc):
                    log.exception("replaying the spool failed")
                waited = round(asyncio.get_running_loop().time() - started, 2)
                self.health.degrade(describe(exc, self.target, waited))
                delay = min(delay * 2, self.policy.max_probe_every_s)

    async def _replay_spool(self) -> bool:
        connection = await self._connection(_RECOVERY)
        while True:
            if self._file is not None:
                self._file.check()
            batch = await self.spool.take()
            if batch is None:
                await self._probe(connection)
            else:
                try:
                    async with connection.begin():
                        await replay(connection, _decoded(batch.records))
                    if self._file is not None:
                        self._file.check()
                except BaseException:
                    batch.failed()
                    raise
                batch.replayed()
            if self.spool.empty_now():
                self.health.recover()
                return True

    async def _probe(self, connection: AsyncConnection) -> None:
        """A write that changes nothing: proves the database takes writes (SQLite's BEGIN
        IMMEDIATE alone succeeds even on a read-only file)."""
        transaction = await connection.begin()
        try:
            await connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
        finally:
            await transaction.rollback()

    def _drain(self) -> None:
        """Replay the spool through the queue while the database is healthy (rows a stopped
        process left, rows spooled because a caller could not wait): one drain at a time."""
        if self._draining is None or self._draining.done():
            self._draining = asyncio.get_running_loop().create_task(self._drain_spool())

    async def _drain_spool(self) -> None:
        batch = await self.spool.take()
        if batch is None:
            return
        changes = _decoded(batch.records)

        async def replay_job(connection: AsyncConnection) -> None:
            await replay(connection, changes)

        try:
            await self.run(replay_job)
        except Exception:
            batch.failed()  # the recovery after this failure replays them
            return
        batch.replayed()
        self.spool.empty_now()

    # --- closing -------------------------------------------------------------------------

    async def close(self) -> None:
        """Commit (or spool) everything waiting, then stop and close the connections."""
        if self._wake is None:
            return
        self._closing = True
        self._wake.set()
        _, late = await asyncio.wait(self._tasks, timeout=self.policy.write_timeout_s + 1)
        for task in late:
            task.cancel()
        self._divert(self._take(len(self._queue)))
        for helper in (self._recovery, self._draining):
            if helper is not None:
                helper.cancel()
        if self._background:
            await asyncio.wait(list(self._background), timeout=self.policy.write_timeout_s)
        for slot in list(self._connections):
            connection = self._connections.pop(slot)
            with contextlib.suppress(Exception):
                async with asyncio.timeout(1.0):
                    await connection.close()
        await self.spool.close()
        self._wake = None


def _decoded(records: list[dict[str, Any]]) -> list[Change]:
    changes: list[Change] = []
    for record in records:
        try:
            changes.append(decode(record))
        except (ValueError, KeyError, TypeError):
            log.error("spool: a line that is not a change was skipped: %r", record)
    return changes


async def _close_quietly(connection: AsyncConnection) -> None:
    with contextlib.suppress(Exception):
        await connection.invalidate()
