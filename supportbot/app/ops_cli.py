"""Command-line tools for operating the bot: `supportbot doctor` and `--metrics-port`.

`supportbot.app.cli` registers `RESILIENCE_COMMANDS` with ``cli.add_command``; `metrics_port_option`
decorates the commands that run a bot (demo, shell, slack). Nothing here imports
`supportbot.app.cli` at import time, so `cli` may import this module from its top.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING, Any

import click

from supportbot.core.console import fail

if TYPE_CHECKING:
    from supportbot.core.settings import Settings

    from .doctor import Check

__all__ = ["RESILIENCE_COMMANDS", "doctor"]


async def _run_checks(settings: Settings, demo: bool, down: tuple[str, ...]) -> list[Check]:
    from .doctor import run_doctor

    if not demo:
        return await run_doctor(settings)
    from .runtime import demo_settings

    async with demo_settings(settings, down=down) as with_samples:
        return await run_doctor(with_samples)


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
    from .doctor import checks_as_json, exit_code, render_checks

    if down and not demo:
        fail("--down stops sample services; use it with --demo")
    settings = env.settings()
    if not settings.services and not demo:
        click.echo(
            "supportbot: no services are configured; add [services.*] to the config, "
            "or use --demo to check the sample services.",
            err=True,
        )
    try:
        checks = asyncio.run(_run_checks(settings, demo, down))
    except ValueError as exc:  # an unknown --down service
        fail(str(exc))
    click.echo(checks_as_json(checks) if json_output else render_checks(checks))
    sys.exit(exit_code(checks))


#: The commands `supportbot.app.cli` adds with ``cli.add_command``.
RESILIENCE_COMMANDS: list[click.Command] = [doctor]
