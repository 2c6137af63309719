"""What every subcommand of the command line shares: an error for a person, `--metrics-port`,
and the cheap entry (`CommandEntry`) by which a subcommand is listed before it is imported.

Used by `supportbot.app.cli` and by the adapters' own subcommands (`supportbot.slack`), which
must not import the app. Imports nothing but click: `supportbot --help` reads it.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

import click

__all__ = ["CommandEntry", "fail", "metrics_port_option"]


@dataclass(frozen=True)
class CommandEntry:
    """A subcommand as `supportbot --help` lists it, without importing it: its name, its
    one-line help, and where the `click.Command` lives (``"package.module:attribute"``), imported
    only when the subcommand runs or shows its own help."""

    name: str
    target: str
    help: str

    def short_help(self, limit: int) -> str:
        """The help line cut to `limit` characters, as click cuts a command's."""
        # A bare command of that help: click's own shortening, through its public API.
        return click.Command(self.name, help=self.help).get_short_help_str(limit)

    def load(self) -> click.Command:
        """Import the command."""
        module, _, attribute = self.target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.target} is not a click command")
        return command


def fail(message: str, code: int = 2) -> NoReturn:
    """Print an error for a person and exit."""
    click.echo(f"supportbot: {message}", err=True)
    sys.exit(code)


F = TypeVar("F", bound=Callable[..., Any])


def metrics_port_option(command: F) -> F:
    """Add ``--metrics-port PORT`` to a command that runs the bot: Prometheus `/metrics` is served
    on that port (127.0.0.1 unless `metrics_host` says otherwise) for as long as the bot runs.

    The option sets `SUPPORTBOT_METRICS_PORT` for this process, so it reaches the settings like
    any other value and beats the file; the start-up wiring serves it.
    """

    def remember(ctx: click.Context, param: click.Parameter, value: int | None) -> None:
        if value is not None:
            os.environ["SUPPORTBOT_METRICS_PORT"] = str(value)

    option = click.option(
        "--metrics-port",
        type=click.IntRange(1, 65535),
        expose_value=False,
        callback=remember,
        help="Serve Prometheus /metrics on this port while the bot runs.",
    )
    return option(command)
