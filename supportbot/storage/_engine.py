"""Database URLs and engines: one URL from the user, a sync form for Alembic and an async one
for the running bot.

SQLite is set up for several processes sharing one file: WAL journal (readers never block the
writer), a 5 s busy timeout (a writer waits for the other instead of failing with "database is
locked") and foreign keys, on every connection. Anything that makes a URL unusable becomes a
`ConfigError` whose text says what to change.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from supportbot.core.errors import ConfigError

__all__ = [
    "async_url",
    "connection_error",
    "make_async_engine",
    "make_sync_engine",
    "safe_url",
    "sync_url",
]

_SYNC_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}
_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+psycopg"}
_ACCEPTED_DRIVERS = {
    "sqlite": {"sqlite", "pysqlite", "aiosqlite"},
    "postgresql": {"postgresql", "psycopg", "psycopg_async"},
}
_WHERE_TO_FIX = "SUPPORTBOT_DATABASE_URL (or database_url in config/supportbot.toml)"
_FORMS = "sqlite:///path/to/supportbot.db or postgresql://user:password@host:5432/name"
SQLITE_BUSY_TIMEOUT_MS = 5000
POSTGRES_CONNECT_TIMEOUT_S = 10


def _parse(url: str) -> URL:
    """The URL checked, with the bare backend as its driver name (`sqlite`, `postgresql`)."""
    text = url.strip()
    if text.startswith("postgres://"):
        text = "postgresql://" + text[len("postgres://") :]
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise ConfigError(
            f"The database URL is not a URL supportbot can read ({safe_url(url)}). "
            f"Set {_WHERE_TO_FIX} to {_FORMS}."
        ) from None
    backend, _, driver = parsed.drivername.lower().partition("+")
    if (driver or backend) not in _ACCEPTED_DRIVERS.get(backend, ()):
        raise ConfigError(
            f"The database URL {safe_url(parsed)!r} asks for {parsed.drivername!r}, which "
            f"supportbot does not support. Set {_WHERE_TO_FIX} to {_FORMS}."
        )
    if backend == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            raise ConfigError(
                f"The database URL {safe_url(parsed)!r} is not a plain SQLite file path "
                "(in-memory databases and file: URIs cannot be shared by the bot and its "
                "migrations). Use a path such as sqlite:///data/supportbot.db."
            )
        return parsed.set(drivername=backend, database=os.path.expanduser(database))
    if not parsed.database:
        raise ConfigError(
            f"The database URL {safe_url(parsed)!r} names no database. "
            "Add its name after the host: postgresql://user:password@host:5432/name."
        )
    return parsed.set(drivername=backend)


def safe_url(url: URL | str) -> str:
    """The URL as it may be shown or logged: the password replaced by ***."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        return make_url(url.strip()).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a URL)"


def sync_url(url: str) -> URL:
    """The URL with the driver Alembic and the CLI use (`sqlite`, `postgresql+psycopg`)."""
    parsed = _parse(url)
    return parsed.set(drivername=_SYNC_DRIVERS[parsed.get_backend_name()])


def async_url(url: str) -> URL:
    """The URL with the asyncio driver the bot uses (`sqlite+aiosqlite`, `postgresql+psycopg`)."""
    parsed = _parse(url)
    return parsed.set(drivername=_ASYNC_DRIVERS[parsed.get_backend_name()])


def _prepare_sqlite_folder(url: URL) -> None:
    path = Path(url.database or "")
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ConfigError(
            f"Cannot create the folder {folder} for the SQLite database: a file of that name "
            "(or of a folder above it) is in the way. Set data_dir (SUPPORTBOT_DATA_DIR) or "
            f"{_WHERE_TO_FIX} to another place."
        ) from None
    except OSError as exc:
        reason = (exc.strerror or type(exc).__name__).lower()
        raise ConfigError(
            f"Cannot create the folder {folder} for the SQLite database: {reason}. Set data_dir "
            "(SUPPORTBOT_DATA_DIR) to a folder this user can write to, or fix its permissions."
        ) from None
    # WAL mode creates <file>-wal and <file>-shm beside the database: the folder must be writable.
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ConfigError(
            f"Cannot write in {folder}, the folder of the SQLite database: permission denied. "
            "Give this user write permission there, or set data_dir (SUPPORTBOT_DATA_DIR) to "
            "another folder."
        )
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise ConfigError(
            f"Cannot read and write the SQLite database {path}: permission denied. "
            "Give this user read and write permission on the file."
        )


def _use_wal(cursor: Any) -> None:
    # WAL is kept in the file, so this is one read except on a new file. There, switching needs
    # an exclusive lock, and SQLite answers "locked" at once, without waiting out the busy
    # timeout, while another process holds the write lock: so wait here, within the same time.
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        cursor.execute("PRAGMA journal_mode")
        if str(cursor.fetchone()[0]).lower() == "wal":
            return
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except Exception as exc:  # the driver's OperationalError (sqlite3's or aiosqlite's)
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(0.02)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        _use_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        # synchronous stays FULL (the default): an audit record is written before an action's
        # side effect and must survive a power cut, which NORMAL does not promise in WAL mode.
    finally:
        cursor.close()


def _postgres_connect_args(url: URL) -> dict[str, Any]:
    # Fail within seconds, not minutes, when the host does not answer at all.
    return {} if "connect_timeout" in url.query else {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S}


def make_sync_engine(url: str) -> Engine:
    """A synchronous engine without a pool (migrations, the CLI, tests); dispose it after use."""
    parsed = sync_url(url)
    if parsed.get_backend_name() == "sqlite":
        _prepare_sqlite_folder(parsed)
        engine = create_engine(
            parsed, poolclass=NullPool, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, poolclass=NullPool, connect_args=_postgres_connect_args(parsed))


def make_async_engine(url: str) -> AsyncEngine:
    """The asyncio engine the running bot uses, with a connection pool."""
    parsed = async_url(url)
    if parsed.get_backend_name() == "sqlite":
        _prepare_sqlite_folder(parsed)
        engine = create_async_engine(
            parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(
        parsed,
        connect_args=_postgres_connect_args(parsed),
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
    )


def connection_error(url: str, exc: DBAPIError) -> ConfigError:
    """A ConfigError saying why the database at `url` cannot be used, and what to check."""
    reason = _first_line(exc.orig if exc.orig is not None else exc)
    parsed = sync_url(url)
    if parsed.get_backend_name() == "sqlite":
        if "not a database" in reason:
            return ConfigError(
                f"{parsed.database} is not a SQLite database ({reason}). Point {_WHERE_TO_FIX} "
                "at another file, or move this one away so that a new database is created."
            )
        return ConfigError(
            f"Cannot use the SQLite database {parsed.database}: {reason}. Check that this user "
            "may read and write the file and its folder."
        )
    return ConfigError(
        f"Cannot use the PostgreSQL database {safe_url(url)}: {reason}. Check "
        f"{_WHERE_TO_FIX}, that the server is running and reachable from here, and the user "
        "name, password and database name."
    )


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0].rstrip(".") if lines else type(error).__name__
