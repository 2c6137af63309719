"""Database URLs and engines: one URL from the user, a sync form for Alembic and an async one
for the running bot. SQLite gets WAL, foreign keys and a busy timeout on every connection.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from .._errors import ConfigError

__all__ = ["async_url", "make_async_engine", "make_sync_engine", "sync_url"]

_SYNC_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}
_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+psycopg"}
SQLITE_BUSY_TIMEOUT_MS = 5000


def _parse(url: str) -> tuple[URL, str]:
    text = url.strip()
    if text.startswith("postgres://"):
        text = "postgresql://" + text[len("postgres://") :]
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise ConfigError(
            f"database_url {_safe(url)!r} is not a database URL; use sqlite:///path/file.db "
            "or postgresql://user:password@host:5432/name"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in _SYNC_DRIVERS:
        raise ConfigError(
            f"database_url: {backend!r} databases are not supported; use SQLite or PostgreSQL"
        )
    return parsed, backend


def _safe(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unparseable)"


def sync_url(url: str) -> URL:
    """The URL with the driver Alembic and the CLI use."""
    parsed, backend = _parse(url)
    return parsed.set(drivername=_SYNC_DRIVERS[backend])


def async_url(url: str) -> URL:
    """The URL with the asyncio driver the bot uses."""
    parsed, backend = _parse(url)
    return parsed.set(drivername=_ASYNC_DRIVERS[backend])


def _prepare_sqlite_folder(url: URL) -> None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    folder = Path(database).expanduser().resolve().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"cannot create the database folder {folder}: {exc.strerror}. "
            "Set data_dir (SUPPORTBOT_DATA_DIR) to a folder you can write to."
        ) from None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_sync_engine(url: str) -> Engine:
    """A synchronous engine (migrations, CLI)."""
    parsed = sync_url(url)
    if parsed.get_backend_name() == "sqlite":
        _prepare_sqlite_folder(parsed)
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(parsed, pool_pre_ping=True)


def make_async_engine(url: str) -> AsyncEngine:
    """The asyncio engine the running bot uses."""
    parsed = async_url(url)
    if parsed.get_backend_name() == "sqlite":
        _prepare_sqlite_folder(parsed)
        engine = create_async_engine(
            parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=10)
