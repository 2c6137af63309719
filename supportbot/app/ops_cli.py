"""Command-line tools for operating the bot: `supportbot doctor`.

`supportbot.app.cli` lists `doctor` by its `CommandEntry` and imports this module when it runs.
(`--metrics-port`, shared with the adapters' subcommands, is in `supportbot.core.console`.)
"""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING, Any

import click

from supportbot.core.console import fail

from . import wording as messages

if TYPE_CHECKING:
    from collections.abc import Sequence

    from supportbot.core.settings import Settings
    from supportbot.slack import DoctorCheck

    from .doctor import Check

__all__ = ["doctor"]


async def _run_checks(
    settings: Settings, demo: bool, down: tuple[str, ...], checks: Sequence[DoctorCheck]
) -> list[Check]:
    from .doctor import run_doctor

    if not demo:
        return await run_doctor(settings, checks=checks)
    from .runtime import demo_settings

    async with demo_settings(settings, down=down) as with_samples:
        return await run_doctor(with_samples, checks=checks)


@click.command()
@click.option("--demo", is_flag=True, help="Check the bundled sample services (started for it).")
@click.option(
    "--down",
    multiple=True,
    metavar="SERVICE",
    help="With --demo: stop this sample service first, to see a failure reported.",
)
@click.option("--json", "json_output", is_flag=True, help="Print the checks as JSON.")
@click.pass_obj
def doctor(env: Any, demo: bool, down: tuple[str, ...], json_output: bool) -> None:
    """Check every service, the database and Slack; exit 1 when something is wrong."""
    # `env` is the CLI's context object (`supportbot.app.cli.Env`): the settings, and the checks
    # the adapters registered.
    from .doctor import checks_as_json, exit_code, render_checks

    if down and not demo:
        fail("--down stops sample services; use it with --demo")
    settings = env.settings()
    if not settings.services and not demo:
        click.echo(f"supportbot: {messages.no_services_to_check()}", err=True)
    try:
        checks = asyncio.run(_run_checks(settings, demo, down, env.adapters.doctor_checks))
    except ValueError as exc:  # an unknown --down service
        fail(str(exc))
    click.echo(checks_as_json(checks) if json_output else render_checks(checks))
    sys.exit(exit_code(checks))
