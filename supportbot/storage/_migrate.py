"""Alembic, configured in code: the migrations ship inside the package, no alembic.ini needed.

`upgrade` is safe to run from several processes at once (two bots starting on one SQLite file,
replicas deploying together): it migrates inside one transaction that holds a lock first
(BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL), so the others wait, then find the
schema at head and do nothing.

Alembic is imported only when there is something to migrate (or to report): a bot starting on a
database already at head reads the head from the revision files and one row from the database,
and so starts without Alembic's import (about a tenth of `supportbot exec`'s start).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, event, text
from sqlalchemy.exc import DBAPIError

from ._engine import connection_error, make_sync_engine, sync_url

if TYPE_CHECKING:
    from alembic.config import Config

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
    from alembic.config import Config

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
    if _at_head(url):
        return
    from alembic import command

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
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(url: str) -> str | None:
    """The revision the database is at (None before the first upgrade).

    Raises ConfigError when the database cannot be reached.
    """
    from alembic.runtime.migration import MigrationContext

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
    return _at_head(url) or current_revision(url) == head_revision()


# `revision = "0004"` and `down_revision = "0003"` (or a tuple, for a merge), as Alembic writes.
_REVISION = re.compile(r"""^revision\s*(?::[^=]*)?=\s*["']([^"']+)["']""", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\s*(?::[^=]*)?=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"""["']([^"']+)["']""")


def quick_head_revision(versions: Path = MIGRATIONS / "versions") -> str | None:
    """The head read from the revision files without Alembic; None when that is not certain (a
    file it cannot read, several heads), and then Alembic decides."""
    files = [path for path in versions.glob("*.py") if path.name != "__init__.py"]
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in files:
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN_REVISION.search(source)
        if revision is None or down is None:
            return None
        revisions.add(revision[1])
        parents.update(_QUOTED.findall(down[1]))
    heads = revisions - parents
    if len(revisions) != len(files) or len(heads) != 1:
        return None
    return heads.pop()


def _at_head(url: str) -> bool:
    """True only when the database certainly is at head; anything unsure (no version table, a
    database that cannot be reached) is False, and the caller asks Alembic, which says why."""
    head = quick_head_revision()
    if head is None:
        return False
    engine = make_sync_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:
        return False
    finally:
        engine.dispose()
    return [row[0] for row in rows] == [head]
