"""`supportbot db ...`: the database schema."""

from __future__ import annotations

import click

from supportbot.core.console import fail
from supportbot.core.errors import ConfigError

from .env import Env, pass_env

__all__ = ["db", "upgrade"]


@click.group()
def db() -> None:
    """Database schema commands."""


@db.command()
@pass_env
def upgrade(env: Env) -> None:
    """Create or migrate the database schema to the newest version."""
    from supportbot.storage import current_revision
    from supportbot.storage import upgrade as run_upgrade

    url = env.settings().effective_database_url
    try:
        run_upgrade(url)
        revision = current_revision(url)
    except ConfigError as exc:
        fail(str(exc))
    click.echo(f"database is at revision {revision}")
