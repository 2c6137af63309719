"""The `supportbot` command line. Every subcommand is documented in the README's CLI reference.

Starting it is cheap: the group lists its subcommands from `CommandEntry`s (name, one-line help,
import path) and imports a subcommand's module only when it runs, so `supportbot --help` imports
neither the settings (pydantic) nor the bot, the database, aiohttp or Slack. Each subcommand
lives in its own module of `supportbot.app` (`chat_cli`, `audit_cli`, ...); the adapters list
theirs the same way (`supportbot.slack.SLACK_ENTRIES`). A test keeps each entry's help equal to
its command's docstring, and checks what `--help` imports.
"""

from __future__ import annotations

from pathlib import Path

import click

from supportbot.core.console import CommandEntry
from supportbot.slack import SLACK_ENTRIES

from .env import Adapters, Env, registered_adapters
from .lazy_group import LazyGroup
from .startup_gc import pause_collection, resume_collection

__all__ = ["COMMANDS", "Adapters", "Env", "cli", "main", "registered_adapters"]

#: The application's own subcommands (the adapters' are added after them).
COMMANDS: tuple[CommandEntry, ...] = (
    CommandEntry(
        "audit", "supportbot.app.audit_cli:audit", "List or export audit records, newest first."
    ),
    CommandEntry(
        "config",
        "supportbot.app.config_cli:config",
        "Print the effective configuration, secrets masked.",
    ),
    CommandEntry("db", "supportbot.app.db_cli:db", "Database schema commands."),
    CommandEntry(
        "dashboard",
        "supportbot.app.dashboard_cli:dashboard",
        "Serve the read-only web dashboard (sign in with SUPPORTBOT_DASHBOARD_TOKEN).",
    ),
    CommandEntry(
        "demo",
        "supportbot.app.chat_cli:demo",
        "Chat with the bot against the bundled sample services.",
    ),
    CommandEntry(
        "doctor",
        "supportbot.app.ops_cli:doctor",
        "Check every service, the database and Slack; exit 1 when something is wrong.",
    ),
    CommandEntry(
        "exec",
        "supportbot.app.chat_cli:exec_",
        "Run one command and exit: 0 ok, 1 failed or found nothing, 2 usage error.",
    ),
    CommandEntry(
        "record",
        "supportbot.app.record_cli:record",
        "The support record: interactions, notes, tags, timelines.",
    ),
    CommandEntry(
        "sample-services",
        "supportbot.app.sample_cli:sample_services",
        "Serve the sample services on fixed ports until Ctrl-C (for `shell` and your own tests).",
    ),
    CommandEntry(
        "shell",
        "supportbot.app.chat_cli:shell",
        "Chat with the bot in the terminal, against the configured services.",
    ),
)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="SUPPORTBOT_CONFIG",
    help="Configuration file (default config/supportbot.toml).",
)
@click.version_option(package_name="supportbot")
@click.pass_context
def cli(ctx: click.Context, config: Path | None) -> None:
    """supportbot: support lookups and safe actions from one chat command."""
    ctx.obj = Env(config)


assert isinstance(cli, LazyGroup)
cli.add_entries([*COMMANDS, *SLACK_ENTRIES])


def main() -> None:
    """Entry point of the `supportbot` console script."""
    pause_collection()  # until the bot has started (open_served_bot), or the command ends
    try:
        cli()
    finally:
        resume_collection()
