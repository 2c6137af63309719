"""`supportbot config`: the configuration in force, secrets masked."""

from __future__ import annotations

import json

import click

from .env import Env, pass_env

__all__ = ["config"]


@click.command()
@click.option("--json", "json_output", is_flag=True, help="Print as JSON.")
@pass_env
def config(env: Env, json_output: bool) -> None:
    """Print the effective configuration, secrets masked."""
    from .config_view import effective_config, render_config

    view = effective_config(env.settings(), env.config, tables=env.adapters.tables)
    click.echo(json.dumps(view, indent=2) if json_output else render_config(view))
