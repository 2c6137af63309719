"""The writes that need no answer from the database, so they can wait in the spool: a row to
add (`Insert`), a row to change idempotently (`Update`), and how each is written.

Each carries its natural key, so writing it twice (a replay after a crash, a row spooled while
its commit was still under way) leaves one row:

- an Insert names its `key` columns; replaying it first looks for a row with that key, and a
  unique-key conflict means "already there";
- an Update sets fixed values on the rows matching `where` exactly, so a second run changes
  nothing.

Statements are built once per table (`insert(table)`), run with executemany, through SQLAlchemy
Core: no ORM objects, no per-row compilation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, insert, or_, select, tuple_, update
from sqlalchemy import Insert as InsertStatement
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from ._models import Base, UTCDateTime
from .faults import is_unavailable

__all__ = [
    "Change",
    "Insert",
    "Update",
    "apply_update",
    "decode",
    "encode",
    "insert_missing",
    "insert_rows",
    "insert_statement",
    "replay",
]

Values = dict[str, Any]


@dataclass(frozen=True)
class Insert:
    """One row for `table`, already sanitised. `key`: the columns that identify it. `unique`:
    the database enforces that key (a second row with it raises IntegrityError to its writer)."""

    table: Table
    values: Values
    key: tuple[str, ...]
    unique: bool = True


@dataclass(frozen=True)
class Update:
    """Set `values` on the rows of `table` whose columns equal `where`."""

    table: Table
    where: Values
    values: Values = field(default_factory=dict)


Change = Insert | Update

_INSERTS: dict[str, InsertStatement] = {}


def insert_statement(table: Table) -> InsertStatement:
    """`insert(table)`, built once: SQLAlchemy caches its compiled form under the same key."""
    statement = _INSERTS.get(table.name)
    if statement is None:
        statement = _INSERTS[table.name] = insert(table)
    return statement


# --- the spool's form --------------------------------------------------------------------------


def _dates(table: Table) -> frozenset[str]:
    return frozenset(c.name for c in table.columns if isinstance(c.type, UTCDateTime))


def _to_json(table: Table, values: Mapping[str, Any]) -> Values:
    dates = _dates(table)
    return {
        name: value.isoformat() if name in dates and isinstance(value, datetime) else value
        for name, value in values.items()
    }


def _from_json(table: Table, values: Mapping[str, Any]) -> Values:
    dates = _dates(table)
    return {
        name: datetime.fromisoformat(value) if name in dates and isinstance(value, str) else value
        for name, value in values.items()
    }


def encode(change: Change) -> dict[str, Any]:
    """The JSON object the spool keeps for `change`."""
    if isinstance(change, Insert):
        return {
            "insert": change.table.name,
            "key": list(change.key),
            "unique": change.unique,
            "values": _to_json(change.table, change.values),
        }
    return {
        "update": change.table.name,
        "where": _to_json(change.table, change.where),
        "values": _to_json(change.table, change.values),
    }


def decode(record: Mapping[str, Any]) -> Change:
    """The change a spool line holds (ValueError when it holds none)."""
    tables = Base.metadata.tables
    if "insert" in record and record["insert"] in tables:
        table = tables[record["insert"]]
        return Insert(
            table,
            _from_json(table, record["values"]),
            tuple(record["key"]),
            bool(record.get("unique", True)),
        )
    if "update" in record and record["update"] in tables:
        table = tables[record["update"]]
        where, values = record["where"], record["values"]
        return Update(table, _from_json(table, where), _from_json(table, values))
    raise ValueError(f"not a spooled change: {sorted(record)}")


# --- writing -----------------------------------------------------------------------------------


async def insert_rows(
    connection: AsyncConnection, table: Table, rows: Sequence[Values]
) -> list[BaseException | None]:
    """Insert `rows` one by one, each in its own SAVEPOINT: a row that the database refuses
    (IntegrityError, DataError) gets its error in the list and the others are kept. Errors that
    say the database itself is unavailable propagate."""
    errors: list[BaseException | None] = []
    for row in rows:
        try:
            async with connection.begin_nested():
                await connection.execute(insert_statement(table), row)
            errors.append(None)
        except Exception as exc:
            if is_unavailable(exc):
                raise
            errors.append(exc)
    return errors


async def _existing_keys(
    connection: AsyncConnection, table: Table, key: tuple[str, ...], rows: Sequence[Values]
) -> set[tuple[Any, ...]]:
    found: set[tuple[Any, ...]] = set()
    condition: ColumnElement[bool]
    columns = [table.c[name] for name in key]
    for start in range(0, len(rows), 200):  # bounded IN lists
        chunk = rows[start : start + 200]
        if len(columns) == 1:
            condition = columns[0].in_([row[key[0]] for row in chunk])
        elif connection.dialect.name == "sqlite":
            condition = or_(*(and_(*(c == row[c.name] for c in columns)) for row in chunk))
        else:
            condition = tuple_(*columns).in_([tuple(row[n] for n in key) for row in chunk])
        result = await connection.execute(select(*columns).where(condition))
        found.update(tuple(r) for r in result)
    return found


async def insert_missing(
    connection: AsyncConnection, table: Table, key: tuple[str, ...], rows: Sequence[Values]
) -> int:
    """Insert the rows whose key is not in `table` yet; a unique-key conflict (a row committed
    meanwhile by another connection) counts as present. Returns how many were inserted."""
    present = await _existing_keys(connection, table, key, rows)
    missing: list[Values] = []
    for row in rows:
        identity = tuple(row[name] for name in key)
        if identity not in present:
            present.add(identity)  # the same row twice in the spool is still one row
            missing.append(row)
    if not missing:
        return 0
    try:
        async with connection.begin_nested():
            await connection.execute(insert_statement(table), missing)
        return len(missing)
    except IntegrityError:
        errors = await insert_rows(connection, table, missing)
        return sum(error is None for error in errors)


async def apply_update(connection: AsyncConnection, change: Update) -> int:
    """Run one Update; how many rows it matched."""
    table = change.table
    statement = (
        update(table)
        .where(*(table.c[name] == value for name, value in change.where.items()))
        .values(change.values)
    )
    result = await connection.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


async def replay(connection: AsyncConnection, changes: Sequence[Change]) -> None:
    """Write spooled changes in their order: inserts grouped by table where consecutive."""
    pending: list[Insert] = []

    async def flush() -> None:
        if pending:
            first = pending[0]
            await insert_missing(connection, first.table, first.key, [c.values for c in pending])
            pending.clear()

    for change in changes:
        if isinstance(change, Insert):
            if pending and (pending[0].table is not change.table or pending[0].key != change.key):
                await flush()
            pending.append(change)
        else:
            await flush()
            await apply_update(connection, change)
    await flush()
