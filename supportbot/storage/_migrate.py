"""Alembic, configured in code: the migrations ship inside the package, no alembic.ini needed.

`upgrade` is safe to run from several processes at once (two bots starting on one SQLite file,
replicas deploying together): it migrates inside one transaction that holds a lock first
(BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL), so the others wait, then find the
schema at head and do nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, event, text
from sqlalchemy.exc import DBAPIError

from ._engine import connection_error, make_sync_engine, sync_url

__all__ = [
    "MIGRATIONS",
    "alembic_config",
    "current_revision",
    "head_revision",
    "is_up_to_date",
    "upgrade",
]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any fixed number: it names the lock every supportbot migration takes on PostgreSQL.
_POSTGRES_MIGRATION_LOCK = 0x5B0_7D8


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """An Alembic configuration for the packaged migrations.

    With `connection`, migrations run on it (inside its transaction); with only `url`, the
    environment opens its own. For engineers: `alembic.command.revision(alembic_config(url),
    "add notes", autogenerate=True)` writes a new revision file from the models.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url is not None:
        rendered = sync_url(url).render_as_string(hide_password=False)
        config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url: str) -> None:
    """Bring the schema to the newest revision; a no-op when it is there already.

    Raises ConfigError when the database cannot be reached or written.
    """
    engine = make_sync_engine(url)
    if engine.dialect.name == "sqlite":
        # Take the write lock when the transaction starts, not at its first write: a second
        # process then waits here instead of racing to create the same tables.
        @event.listens_for(engine, "connect")
        def _no_implicit_begin(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_MIGRATION_LOCK}
                )
            command.upgrade(alembic_config(connection=connection), "head")
    except DBAPIError as exc:
        raise connection_error(url, exc) from None
    finally:
        engine.dispose()


def head_revision() -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(url: str) -> str | None:
    """The revision the database is at (None before the first upgrade).

    Raises ConfigError when the database cannot be reached.
    """
    engine = make_sync_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except DBAPIError as exc:
        raise connection_error(url, exc) from None
    finally:
        engine.dispose()


def is_up_to_date(url: str) -> bool:
    """True when the database is at the newest revision (for `doctor` and start-up checks)."""
    return current_revision(url) == head_revision()
