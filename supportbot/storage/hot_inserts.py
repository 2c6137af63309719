"""The hot path of the write path on SQLite: a group of plain inserts in one trip to the driver.

Most groups are nothing but new rows (audit records above all). Through SQLAlchemy's async
layer a group costs about seven round trips to aiosqlite's thread (BEGIN, a cursor, the
executemany, closing it, COMMIT...) and about a millisecond of CPU; the disk needs one fsync.
Here the same group is one function run in that thread: BEGIN IMMEDIATE, one executemany per
table, COMMIT (`bench/write_path.py` and `bench/throughput.py` measure the difference).

The statements are SQLAlchemy Core's own, compiled once per table and set of columns with the
connection's dialect, and the values go through each column type's own bind processor, so a
row is stored exactly as the ORM path would store it (UTC times, JSON text).

Anything else (updates, jobs, a row the database refuses, a retry after a failed attempt) takes
the general path in `group`. aiosqlite has no public "run this in your thread"; its `_execute`
is what its own methods use. Without it (another aiosqlite), `OneHopInserts.usable` is False
and every group takes the general path: slower, never wrong.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Dialect, Table, insert
from sqlalchemy import exc as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from .changes import Insert
from .group import Outcome, QueuedWrite, Refused

__all__ = ["OneHopInserts", "plain_inserts"]

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]
    processors: tuple[Processor, ...]

    def rows(self, rows: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
        pairs = tuple(zip(self.names, self.processors, strict=True))
        return [tuple(row[n] if p is None else p(row[n]) for n, p in pairs) for row in rows]


def plain_inserts(batch: Sequence[QueuedWrite]) -> dict[Table, list[QueuedWrite]] | None:
    """The batch by table when it holds nothing but first attempts of inserts; else None."""
    tables: dict[Table, list[QueuedWrite]] = {}
    for item in batch:
        if not isinstance(item.change, Insert) or item.careful:
            return None
        tables.setdefault(item.change.table, []).append(item)
    return tables


#: Compiled inserts by dialect class and paramstyle, then by table and set of columns.
_COMPILED: dict[tuple[type[Dialect], str], dict[tuple[str, frozenset[str]], _Compiled]] = {}


class OneHopInserts:
    """Writes groups of inserts through one SQLite connection, one trip to its thread each."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        # Shared by every store of the process with the same kind of dialect: a statement is
        # compiled once, not again for each store a process opens (each test, each replica).
        self._compiled = _COMPILED.setdefault((type(dialect), dialect.paramstyle), {})

    @staticmethod
    def usable(driver: Any) -> bool:
        """True when `driver` (the DBAPI's own connection) can run a function in its thread."""
        return callable(getattr(driver, "_execute", None))

    def _statement(self, table: Table, columns: frozenset[str]) -> _Compiled:
        key = (table.name, columns)
        compiled = self._compiled.get(key)
        if compiled is None:
            statement = insert(table).compile(dialect=self.dialect, column_keys=sorted(columns))
            names = tuple(statement.positiontup or ())
            by_name = {column.name: column for column in table.columns}
            processors = tuple(
                by_name[name].type.dialect_impl(self.dialect).bind_processor(self.dialect)
                for name in names
            )
            compiled = self._compiled[key] = _Compiled(statement.string, names, processors)
        return compiled

    async def write(
        self, connection: AsyncConnection, tables: dict[Table, list[QueuedWrite]]
    ) -> list[Outcome] | None:
        """Commit every row of `tables` in one transaction; None when this path cannot take
        them (the caller then uses the general one). Raises `Refused` for a table with a row
        the database refuses (nothing was kept), and SQLAlchemy's OperationalError when the
        database cannot take writes."""
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection
        if driver is None or not self.usable(driver):
            return None
        work: list[tuple[str, str, list[tuple[Any, ...]]]] = []
        for table, items in tables.items():
            rows = [item.change.values for item in items if isinstance(item.change, Insert)]
            columns = frozenset(rows[0])
            if any(frozenset(row) != columns for row in rows):
                return None  # rows of one table with different columns: the general path
            compiled = self._statement(table, columns)
            if not set(compiled.names) <= columns:
                return None  # a column filled by a Python-side default: the general path
            work.append((table.name, compiled.sql, compiled.rows(rows)))
        await driver._execute(_commit_group, driver._conn, work)
        return [(item, None, None) for items in tables.values() for item in items]


def _commit_group(db: sqlite3.Connection, work: list[tuple[str, str, list[Any]]]) -> None:
    """In the driver's thread: the whole group, one transaction, one fsync."""
    statement = "BEGIN IMMEDIATE"
    try:
        db.execute(statement)
        for name, statement, rows in work:
            try:
                db.executemany(statement, rows)
            except sqlite3.IntegrityError as exc:
                _rollback(db)
                raise Refused(name) from exc
        statement = "COMMIT"
        db.execute(statement)
    except sqlite3.Error as exc:
        _rollback(db)
        raise sa.OperationalError(statement, None, exc) from exc


def _rollback(db: sqlite3.Connection) -> None:
    if db.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # the connection is dropped by the writer anyway
