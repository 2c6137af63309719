"""A new test database gets the schema in a few milliseconds: what the migrations ran, replayed.

Most tests start on an empty database (the `store` and `record_bot` fixtures, every
`BotTester.demo`), and Alembic's chain of migrations takes about 55 ms on SQLite and more on
PostgreSQL, almost all of it Python. So, in each test process, the first migration of an empty
database to head runs for real, and every statement it sends to the driver is recorded; later
migrations of an empty database of the same dialect replay those statements on the driver's
cursor, in the same locked transaction `upgrade()` opened. The schema is the one the migrations
make, statement for statement; only Alembic's own work is skipped.

Anything else goes to Alembic unchanged: a database that is not empty, a target other than
head, offline SQL, and every test marked `real_migrations` (tests/storage/test_migrations.py).
Processes a test starts (the CLI, `supportbot serve`) always migrate for real.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from alembic import command
from sqlalchemy import Connection, event

Statement = tuple[str, Any, bool]  # (SQL as the driver got it, its parameters, executemany)

_EMPTY = {
    "sqlite": "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
    "postgresql": "SELECT count(*) FROM information_schema.tables"
    " WHERE table_schema = current_schema()",
}

_real_upgrade: Callable[..., None] = command.upgrade


@dataclass
class Replay:
    """What one test process recorded, and how often it replayed it."""

    enabled: bool = True
    recorded: dict[str, list[Statement]] = field(default_factory=dict)  # by dialect
    replays: int = 0


_state = Replay()


def _empty(connection: Connection) -> bool:
    query = _EMPTY.get(connection.dialect.name)
    return query is not None and connection.exec_driver_sql(query).scalar() == 0


def _replay(connection: Connection, statements: list[Statement]) -> None:
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        for sql, parameters, many in statements:
            if many:
                cursor.executemany(sql, parameters)
            else:
                cursor.execute(sql, parameters)
    finally:
        cursor.close()


def _record(connection: Connection, run: Callable[[], None]) -> list[Statement]:
    statements: list[Statement] = []

    def seen(_conn: Any, _cursor: Any, sql: str, parameters: Any, _ctx: Any, many: bool) -> None:
        statements.append((sql, parameters, many))

    event.listen(connection, "before_cursor_execute", seen)
    try:
        run()
    finally:
        event.remove(connection, "before_cursor_execute", seen)
    return statements


def upgrade(config: Any, revision: str, sql: bool = False, tag: str | None = None) -> None:
    """`alembic.command.upgrade`, replayed for an empty database once one was migrated."""
    connection = config.attributes.get("connection")

    def run() -> None:
        _real_upgrade(config, revision, sql=sql, tag=tag)

    if not _state.enabled or sql or revision != "head" or connection is None:
        run()
    elif not _empty(connection):
        run()
    elif connection.dialect.name in _state.recorded:
        _replay(connection, _state.recorded[connection.dialect.name])
        _state.replays += 1
    else:  # kept only once the migrations succeeded
        _state.recorded[connection.dialect.name] = _record(connection, run)


def install() -> None:
    """Route `alembic.command.upgrade` (which `supportbot.storage.upgrade` calls) through here."""
    command.upgrade = upgrade


@contextmanager
def disabled() -> Iterator[None]:
    """Every migration inside runs through Alembic, for the tests of the migrations themselves."""
    _state.enabled, before = False, _state.enabled
    try:
        yield
    finally:
        _state.enabled = before


@contextmanager
def isolated() -> Iterator[Replay]:
    """A replay that starts with nothing recorded (to test this module); restored after."""
    global _state
    saved, _state = _state, Replay()
    try:
        yield _state
    finally:
        _state = saved
