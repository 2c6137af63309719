"""What every subcommand of the command line shares: an error for a person, `--metrics-port`.

Used by `supportbot.app.cli` and by the adapters' own subcommands (`supportbot.slack`), which
must not import the app.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

__all__ = ["fail", "metrics_port_option"]


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
