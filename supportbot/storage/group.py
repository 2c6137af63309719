"""One group of writes: the transaction the writer commits for everything that was waiting.

Inserts are grouped by table and written with one executemany each; a table whose executemany
meets a row the database refuses (a duplicate key) is written again row by row, each row in its
SAVEPOINT, so only that row's caller hears of it. Updates and jobs run in a SAVEPOINT each: a
job that fails is rolled back alone. An error that says the database itself is unavailable ends
the whole group (the writer retries or spools it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from .changes import (
    Change,
    Insert,
    Update,
    apply_update,
    insert_missing,
    insert_rows,
    insert_statement,
)
from .faults import is_unavailable

__all__ = ["Job", "Outcome", "QueuedWrite", "Refused", "settle", "write_group"]

T = TypeVar("T")
#: Work that needs the database's answer: it runs inside the group's transaction.
Job = Callable[[AsyncConnection], Awaitable[T]]


class QueuedWrite:
    """One write waiting in the queue."""

    __slots__ = ("careful", "change", "enqueued", "future", "job", "spooled", "timer", "tidy")

    def __init__(self, future: asyncio.Future[Any], change: Change | None, job: Job[Any] | None):
        self.future = future
        self.change = change
        self.job = job
        #: Housekeeping (deleting expired rows): skipped, not spooled, when anything fails.
        self.tidy = False
        #: Written after a failed attempt: a row already there is this one, not a duplicate.
        self.careful = False
        #: In the spool already: the database needs it only through the replay.
        self.spooled = False
        self.enqueued = 0.0
        self.timer: asyncio.TimerHandle | None = None


class Refused(Exception):
    """A plain executemany met a row the database refuses: redo that table row by row."""

    def __init__(self, table: str) -> None:
        self.table = table


def settle(item: QueuedWrite, value: Any = None, error: BaseException | None = None) -> None:
    """Answer the write's caller (once) and stop its timer."""
    if item.timer is not None:
        item.timer.cancel()
        item.timer = None
    if item.future.done():
        return
    if error is None or item.tidy:
        item.future.set_result(value)
    else:
        item.future.set_exception(error)


#: What became of one write: (the write, what its job returned, the error that refused it).
Outcome = tuple[QueuedWrite, Any, BaseException | None]


async def write_group(
    connection: AsyncConnection, batch: list[QueuedWrite], row_by_row: set[str], bound_s: float
) -> list[Outcome]:
    if connection.dialect.name == "postgresql":
        await _bound_statements(connection, bound_s)
    results: list[Outcome] = []
    inserts: dict[str, list[QueuedWrite]] = {}
    others: list[QueuedWrite] = []
    for item in batch:
        if isinstance(item.change, Insert):
            inserts.setdefault(item.change.table.name, []).append(item)
        else:
            others.append(item)
    for name, items in inserts.items():
        results += await _insert(connection, name, items, name in row_by_row)
    for item in others:
        try:
            async with connection.begin_nested():
                if isinstance(item.change, Update):
                    value: Any = await apply_update(connection, item.change)
                else:
                    assert item.job is not None
                    value = await item.job(connection)
            results.append((item, value, None))
        except Exception as exc:
            if is_unavailable(exc):
                raise
            results.append((item, None, exc))
    return results


async def _insert(
    connection: AsyncConnection, name: str, items: list[QueuedWrite], one_by_one: bool
) -> list[Outcome]:
    changes = [item.change for item in items if isinstance(item.change, Insert)]
    table, key = changes[0].table, changes[0].key
    pairs = list(zip(items, changes, strict=True))
    careful = [change.values for item, change in pairs if item.careful]
    plain = [(item, change.values) for item, change in pairs if not item.careful]
    if careful:
        await insert_missing(connection, table, key, careful)
    results: list[Outcome] = [(item, None, None) for item in items if item.careful]
    if not plain:
        return results
    if one_by_one:
        errors = await insert_rows(connection, table, [values for _, values in plain])
        refused = zip(plain, errors, strict=True)
        return results + [(item, None, error) for (item, _), error in refused]
    try:
        await connection.execute(insert_statement(table), [values for _, values in plain])
    except Exception as exc:
        if is_unavailable(exc):
            raise
        raise Refused(name) from exc
    return results + [(item, None, None) for item, _ in plain]


async def _bound_statements(connection: AsyncConnection, bound_s: float) -> None:
    """Bound every statement and lock wait of this transaction by the writes' time."""
    milliseconds = str(max(100, int(bound_s * 1000)))
    await connection.execute(
        text(
            "SELECT set_config('statement_timeout', :ms, true), "
            "set_config('lock_timeout', :ms, true)"
        ),
        {"ms": milliseconds},
    )
