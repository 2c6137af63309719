"""A new test database gets the schema in a few milliseconds: what the migrations ran, replayed.

Most tests start on an empty database (the `store` and `record_bot` fixtures, every
`BotTester.demo`), and Alembic's chain of migrations takes about 55 ms on SQLite and more on
PostgreSQL, almost all of it Python. So, in each test process, the first migration of an empty
database to head runs for real, and every statement it sends to the driver is recorded; later
migrations of an empty database of the same dialect replay those statements on the driver's
cursor, in the same locked transaction `upgrade()` opened. The schema is the one the migrations
make, statement for statement; only Alembic's own work is skipped.

On SQLite even the replay costs about 10 ms a database (SQLite's own work for 120 DDL
statements, and the engines `upgrade()` opens), and nearly every test makes one: so a SQLite
file that does not exist yet, once the statements are recorded, is written whole from the image
of one file they were replayed into (`upgrade()` then finds it at head and does nothing).

On PostgreSQL the DDL itself is the cost (about 90 ms a schema, on the server), so a test's
schema that is still exactly as migrated is not dropped at the end: its rows are deleted and
its sequences set back (ids start at 1 again), and it waits in a pool; the next empty schema to
be migrated takes its place by a rename, inside `upgrade()`'s locked transaction.

Anything else goes to Alembic unchanged: a database that is not empty, a target other than
head, offline SQL, and every test marked `real_migrations` (tests/storage/test_migrations.py).
Processes a test starts (the CLI, `supportbot serve`) always migrate for real.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from alembic import command
from sqlalchemy import Connection, event, text
from sqlalchemy.exc import DBAPIError

from supportbot.storage import _migrate
from supportbot.storage._engine import _prepare_sqlite_folder, sqlite_path, sync_url

Statement = tuple[str, Any, bool]  # (SQL as the driver got it, its parameters, executemany)

_EMPTY = {
    "sqlite": "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
    "postgresql": "SELECT count(*) FROM information_schema.tables"
    " WHERE table_schema = current_schema()",
}

_real_upgrade: Callable[..., None] = command.upgrade
_real_at_head: Callable[[str], bool] = _migrate._at_head


@dataclass
class Replay:
    """What one test process recorded, and how often it replayed it."""

    enabled: bool = True
    recorded: dict[str, list[Statement]] = field(default_factory=dict)  # by dialect
    replays: int = 0
    #: PostgreSQL: what the migrations made (tables, indexes, columns) and the head revision.
    shape: tuple[Any, ...] | None = None
    #: Migrated PostgreSQL schemas, emptied, each waiting for an empty schema to replace; by
    #: server and database (the fault tests start servers of their own).
    pooled: dict[str, list[str]] = field(default_factory=dict)
    #: SQLite: the bytes of a file the recorded statements were replayed into.
    image: bytes | None = None
    imaging: bool = False  # the image is being made


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
    elif not _empty(connection):  # migrating from a revision: Alembic's job
        run()
    elif connection.dialect.name == "postgresql" and _state.pooled.get(_server(connection)):
        current = connection.exec_driver_sql("SELECT current_schema()").scalar()
        pooled = _state.pooled[_server(connection)].pop()
        connection.exec_driver_sql(f'DROP SCHEMA "{current}"')
        connection.exec_driver_sql(f'ALTER SCHEMA "{pooled}" RENAME TO "{current}"')
        _state.replays += 1
    elif connection.dialect.name in _state.recorded:
        _replay(connection, _state.recorded[connection.dialect.name])
        _state.replays += 1
    else:  # kept only once the migrations succeeded
        _state.recorded[connection.dialect.name] = _record(connection, run)
        if connection.dialect.name == "postgresql":
            schema = connection.exec_driver_sql("SELECT current_schema()").scalar()
            _state.shape = _shape(connection, str(schema))


def at_head(url: str) -> bool:
    """`supportbot.storage._migrate._at_head`, which `upgrade()` asks first: there, a SQLite file
    that does not exist yet is written from the image, and so is at head. (Asked by anything
    else, `is_up_to_date` for one, it only answers.)"""
    path = sqlite_path(url) if url.startswith("sqlite") else None
    asked_by_upgrade = sys._getframe(1).f_code is _migrate.upgrade.__code__
    if not (_state.enabled and asked_by_upgrade and path is not None) or path.exists():
        return _real_at_head(url)
    if "sqlite" not in _state.recorded or _state.imaging:  # Alembic's run, or the replay
        return _real_at_head(url)
    image = _state.image or _image()
    # As a new file's first engine does: the file made private, a deleted one's -wal and -shm
    # set aside (and a folder that will not do refused, in its words).
    _prepare_sqlite_folder(sync_url(url))
    if not path.exists():  # it could not be made: connecting says why
        return _real_at_head(url)
    with path.open("r+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # another bot opening the same new file waits
        written = os.fstat(handle.fileno()).st_size == 0
        if written:
            handle.write(image)
    if not written:
        return _real_at_head(url)
    _state.replays += 1
    return True


def _image() -> bytes:
    """Replay the recorded statements into a new file, as `upgrade()` does, and keep its bytes."""
    with tempfile.TemporaryDirectory(prefix="supportbot-schema-") as folder:
        path = os.path.join(folder, "schema.db")
        replays, enabled = _state.replays, _state.enabled
        _state.enabled = _state.imaging = True
        try:
            _migrate.upgrade(f"sqlite:///{path}")
        finally:
            _state.replays, _state.enabled, _state.imaging = replays, enabled, False
        _state.image = sqlite_image(path)
    return _state.image


def sqlite_image(path: str | os.PathLike[str]) -> bytes:
    """The whole database in the SQLite file at `path`, its WAL's pages included, as bytes to
    write into a new file (an empty test database, a seeded one to copy)."""
    connection = sqlite3.connect(path)
    try:
        return connection.serialize()
    finally:
        connection.close()


_SHAPE = (
    "SELECT table_name FROM information_schema.tables WHERE table_schema = :s",
    "SELECT indexname FROM pg_indexes WHERE schemaname = :s",
    "SELECT table_name || '.' || column_name || ' ' || data_type"
    " FROM information_schema.columns WHERE table_schema = :s",
)


_SEQUENCES = "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = :s"


def _server(connection: Connection) -> str:
    url = connection.engine.url
    return f"{url.host}:{url.port}/{url.database}"


def _shape(connection: Connection, schema: str) -> tuple[Any, ...]:
    found = [frozenset(connection.execute(text(q), {"s": schema}).scalars()) for q in _SHAPE]
    tables = found[0]
    version = (
        connection.exec_driver_sql(f'SELECT version_num FROM "{schema}".alembic_version').all()
        if "alembic_version" in tables
        else None
    )
    return (*found, version)


def recycle(connection: Connection, schema: str) -> bool:
    """Keep a PostgreSQL test schema for the next test if it is exactly as migrated: its
    tables emptied, ids restarted; False (drop it) for anything else. `connection`: autocommit."""
    if not _state.enabled or _state.shape is None or _shape(connection, schema) != _state.shape:
        return False
    tables = sorted(_state.shape[0] - {"alembic_version"})
    sequences = connection.execute(text(_SEQUENCES), {"s": schema}).scalars().all()
    # DELETE, not TRUNCATE: a test leaves a few rows, and TRUNCATE makes every table and
    # index anew (about 100 ms). setval restarts each id at 1.
    empty = [f'DELETE FROM "{schema}"."{table}"' for table in tables]
    restart = [f'SELECT setval(\'"{schema}"."{n}"\', 1, false)' for n in sequences]
    pooled = f"pool_{uuid.uuid4().hex[:12]}"
    try:
        connection.exec_driver_sql("SET lock_timeout = '2s'")  # a session still holding a lock
        connection.exec_driver_sql(";".join(["BEGIN", *empty, *restart, "COMMIT"]))
        connection.exec_driver_sql(f'ALTER SCHEMA "{schema}" RENAME TO "{pooled}"')
    except DBAPIError:  # e.g. the lock timeout: undo what ran, so the caller can drop it
        connection.exec_driver_sql("ROLLBACK")
        return False
    finally:  # the connection is kept for the next test's schema
        connection.exec_driver_sql("RESET lock_timeout")
    _state.pooled.setdefault(_server(connection), []).append(pooled)
    return True


def pooled() -> list[str]:
    """The schemas waiting in the pool (for the end of the session, which drops them)."""
    taken, _state.pooled = _state.pooled, {}
    return [schema for schemas in taken.values() for schema in schemas]


def install() -> None:
    """Route `alembic.command.upgrade` (which `supportbot.storage.upgrade` calls) and its first
    question, whether the database is at head, through here."""
    command.upgrade = upgrade
    _migrate._at_head = at_head


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
