"""Database URLs and engines: one URL from the user, a sync form for Alembic and an async one
for the running bot.

SQLite is set up for several processes sharing one file: WAL journal (readers never block the
writer), a busy timeout (a writer waits for the other instead of failing with "database is
locked"), foreign keys and no memory map of the file, on every connection; the write path's own
connection is set up in `_sqlite_writer_setup`. PostgreSQL connections of the running bot get
connect, statement and lock timeouts, and their pools a checkout timeout. Anything that makes a
URL unusable becomes a `ConfigError` whose text says what to change.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool, QueuePool

from supportbot.core.config_paths import create_private_file
from supportbot.core.errors import ConfigError

__all__ = [
    "async_url",
    "connection_error",
    "make_async_engine",
    "make_sync_engine",
    "make_writer_engine",
    "safe_url",
    "sqlite_path",
    "sqlite_uri",
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
SQLITE_WAL_AUTOCHECKPOINT = 1000
POSTGRES_CONNECT_TIMEOUT_S = 10
#: What a statement or a lock wait of the running bot may take at most, on the server's side.
POSTGRES_STATEMENT_TIMEOUT_S = 5.0


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
    if not path.exists():
        _set_aside_stale_journal(path)
        if path.name and str(path) != ":memory:":
            try:
                create_private_file(path)  # SQLite gives its -wal and -shm the same mode
            except OSError:
                pass  # connecting reports what is wrong with the place, in its own words
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise ConfigError(
            f"Cannot read and write the SQLite database {path}: permission denied. "
            "Give this user read and write permission on the file."
        )


def _set_aside_stale_journal(path: Path) -> None:
    """A `-wal` or `-shm` without its database (the file was deleted while the bot ran) belongs
    to the old file: a new database beside them would read the old file's pages from that WAL.
    They are renamed `<name>-wal.stale-<time>` instead, kept for whoever wants to look."""
    for suffix in ("-wal", "-shm"):
        journal = path.with_name(path.name + suffix)
        if journal.exists():
            with contextlib.suppress(OSError):
                journal.rename(journal.with_name(f"{journal.name}.stale-{int(time.time())}"))


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


def _sqlite_pragmas(busy_timeout_ms: int) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
            _use_wal(cursor)
            cursor.execute("PRAGMA foreign_keys=ON")
            # No memory map of the database file: a file truncated or replaced under a mapping
            # is a SIGBUS, not an error. (The -shm is guarded by `sqlite_file`.)
            cursor.execute("PRAGMA mmap_size=0")
        finally:
            cursor.close()

    return on_connect


def _sqlite_writer_setup(dbapi_connection: Any, _record: Any) -> None:
    """The writer connection's settings, chosen deliberately (measured: `bench/write_path.py`).

    - `synchronous=FULL`: each commit fsyncs the WAL. An audit row and an action's intent are
      promised durable before the bot answers, and must survive a power cut, which NORMAL does
      not promise in WAL mode (NORMAL loses the last commits on power loss, never on a crash of
      the process). With group commit the fsync is shared by every write in the group, so FULL
      costs one fsync per group, not per row: under load the two are within a few percent.
    - `wal_autocheckpoint=1000` (pages, about 4 MB, SQLite's default, set here on purpose):
      checkpoints run in the writer after the commit that crosses it, PASSIVE (never waiting
      for readers), so the WAL stays small and readers fast; a larger value only moves the same
      work into rarer, longer pauses.
    - `journal_size_limit`: the WAL file is truncated back to 64 MB after a checkpoint, so a
      burst does not leave a huge file behind.
    - no implicit transactions from the driver: the write path issues BEGIN IMMEDIATE itself,
      so a group takes SQLite's write lock when it starts (waiting out `busy_timeout` if another
      process holds it), never halfway through, where SQLite could only answer "busy".
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={SQLITE_WAL_AUTOCHECKPOINT}")
        cursor.execute("PRAGMA journal_size_limit=67108864")
    finally:
        cursor.close()


def _begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def sqlite_uri(url: URL) -> URL:
    """The SQLite URL as a `mode=rw` URI on the absolute path: a connection never creates the
    file, so a deleted database is reported, not silently replaced by an empty one."""
    path = os.path.abspath(url.database or "")
    return url.set(database="file:" + quote(path), query={"mode": "rw", "uri": "true"})


def sqlite_path(url: str) -> Path:
    """The absolute path of the SQLite file of `url`."""
    return Path(os.path.abspath(sync_url(url).database or ""))


def _postgres_connect_args(url: URL, *, connect_timeout_s: int | None = None) -> dict[str, Any]:
    # Fail within seconds, not minutes, when the host does not answer at all.
    if "connect_timeout" in url.query:
        return {}
    return {"connect_timeout": connect_timeout_s or POSTGRES_CONNECT_TIMEOUT_S}


def _postgres_runtime_args(url: URL, bound_s: float) -> dict[str, Any]:
    """Connect args of the bot's engines: a short connect timeout, and server-side bounds on
    every statement and lock wait (the URL's own `options`, e.g. a search_path, are kept)."""
    args = _postgres_connect_args(url, connect_timeout_s=max(2, round(bound_s)))
    given = url.query.get("options", "")
    given = " ".join(given) if isinstance(given, tuple) else given
    milliseconds = int(bound_s * 1000)
    ours = f"-c statement_timeout={milliseconds} -c lock_timeout={milliseconds}"
    args["options"] = f"{given} {ours}".strip()
    return args


def make_sync_engine(url: str) -> Engine:
    """A synchronous engine without a pool (migrations, the CLI, tests); dispose it after use."""
    parsed = sync_url(url)
    if parsed.get_backend_name() == "sqlite":
        _prepare_sqlite_folder(parsed)
        engine = create_engine(
            parsed, poolclass=NullPool, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
        event.listen(engine, "connect", _sqlite_pragmas(SQLITE_BUSY_TIMEOUT_MS))
        return engine
    return create_engine(parsed, poolclass=NullPool, connect_args=_postgres_connect_args(parsed))


def make_async_engine(url: str, *, bound_s: float = POSTGRES_STATEMENT_TIMEOUT_S) -> AsyncEngine:
    """The asyncio engine the running bot reads with, with a connection pool.

    On SQLite it opens the file only if it exists (see `sqlite_uri`). On PostgreSQL, every
    statement, lock wait, connection and pool checkout is bounded by `bound_s`.
    """
    parsed = async_url(url)
    if parsed.get_backend_name() == "sqlite":
        _prepare_sqlite_folder(parsed)
        engine = create_async_engine(
            sqlite_uri(parsed), connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas(SQLITE_BUSY_TIMEOUT_MS))
        return engine
    return create_async_engine(
        parsed,
        connect_args=_postgres_runtime_args(parsed, bound_s),
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        pool_timeout=bound_s,
    )


def make_sqlite_read_engine(url: str, *, connections: int) -> Engine:
    """A synchronous engine for SQLite reads on threads (`local_reads`): the same file, URI and
    connection settings as `make_async_engine`'s, `connections` pooled connections usable from
    any thread."""
    parsed = sync_url(url)
    _prepare_sqlite_folder(parsed)
    engine = create_engine(
        sqlite_uri(parsed),
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        poolclass=QueuePool,
        pool_size=connections,
        max_overflow=0,
    )
    event.listen(engine, "connect", _sqlite_pragmas(SQLITE_BUSY_TIMEOUT_MS))
    return engine


def make_writer_engine(url: str, *, writers: int, bound_s: float) -> AsyncEngine:
    """The engine of the write path: exactly `writers` connections, plus one for recovery.

    SQLite: one writer connection (SQLite has one write lock; more connections would only
    queue on it with sleeping busy handlers), set up by `_sqlite_writer_setup`, with a busy
    timeout shorter than `bound_s` so that a lock held elsewhere is an error in time.
    """
    parsed = async_url(url)
    if parsed.get_backend_name() == "sqlite":
        _prepare_sqlite_folder(parsed)
        busy_ms = int(min(SQLITE_BUSY_TIMEOUT_MS, bound_s * 1000 * 2 / 3))
        engine = create_async_engine(
            sqlite_uri(parsed),
            connect_args={"timeout": busy_ms / 1000},
            pool_size=writers + 1,
            max_overflow=0,
            pool_timeout=bound_s,
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas(busy_ms))
        event.listen(engine.sync_engine, "connect", _sqlite_writer_setup)
        event.listen(engine.sync_engine, "begin", _begin_immediate)
        return engine
    return create_async_engine(
        parsed,
        connect_args=_postgres_runtime_args(parsed, bound_s),
        pool_size=writers + 1,
        max_overflow=0,
        pool_timeout=bound_s,
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
