"""Alembic, configured in code: the migrations ship inside the package, no alembic.ini needed."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import SQLAlchemyError

from .._errors import ConfigError
from ._engine import make_sync_engine, sync_url

__all__ = ["alembic_config", "current_revision", "head_revision", "is_up_to_date", "upgrade"]

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic configuration for this database URL."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    rendered = sync_url(url).render_as_string(hide_password=False)
    config.set_main_option("sqlalchemy.url", rendered.replace("%", "%%"))
    return config


def _unreachable(url: str, exc: Exception) -> ConfigError:
    shown = sync_url(url).render_as_string(hide_password=True)
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    return ConfigError(f"cannot use the database {shown}: {reason}")


def upgrade(url: str) -> None:
    """Bring the schema to the newest revision; a no-op when it is there already."""
    try:
        command.upgrade(alembic_config(url), "head")
    except SQLAlchemyError as exc:
        raise _unreachable(url, exc) from None


def head_revision() -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def current_revision(url: str) -> str | None:
    """The revision the database is at (None before the first upgrade)."""
    engine = make_sync_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as exc:
        raise _unreachable(url, exc) from None
    finally:
        engine.dispose()


def is_up_to_date(url: str) -> bool:
    """True when the database is at the newest revision."""
    return current_revision(url) == head_revision()
