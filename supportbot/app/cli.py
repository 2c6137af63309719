"""The `supportbot` command line. Every subcommand is documented in the README's CLI reference."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from supportbot import slack
from supportbot.core.console import fail, metrics_port_option
from supportbot.core.errors import ConfigError, PluginError, SupportbotError
from supportbot.core.logs import configure_logging
from supportbot.core.reply import Outcome
from supportbot.core.settings import Settings, SettingsTable, load_settings
from supportbot.record.settings import RECORD_TABLE

from . import wording as messages
from .ops_cli import RESILIENCE_COMMANDS
from .record_cli import RECORD_COMMANDS

if TYPE_CHECKING:
    from supportbot.dispatch.bot import Bot, Outlets
    from supportbot.slack import DoctorCheck

__all__ = ["Adapters", "Env", "main"]

log = logging.getLogger("supportbot.settings")


@dataclass
class Adapters:
    """What the adapters added to the application through their `register` hook: subcommands,
    tables of the configuration, and checks for `supportbot doctor`."""

    commands: list[click.Command] = field(default_factory=list)
    tables: list[SettingsTable[Any]] = field(default_factory=list)
    doctor_checks: list[DoctorCheck] = field(default_factory=list)

    def add_command(self, command: click.Command) -> None:
        """A subcommand of `supportbot`."""
        self.commands.append(command)

    def add_settings_table(self, table: SettingsTable[Any]) -> None:
        """A table of the configuration, validated with the rest at start."""
        self.tables.append(table)

    def add_doctor_check(self, check: DoctorCheck) -> None:
        """A check `supportbot doctor` runs after the services and the database."""
        self.doctor_checks.append(check)


#: What the adapters registered (`_register_adapters`, at import).
ADAPTERS = Adapters()


def report_loading(bot: Bot) -> None:
    """Print the plugins that failed to load and the bot's start-up warnings."""
    for failure in bot.plugin_failures:
        click.echo(f"supportbot: {messages.plugin_not_loaded(failure)}", err=True)
    for warning in bot.warnings:
        click.echo(f"supportbot: {messages.startup_warning(warning)}", err=True)


def warn_without_services(settings: Settings, *, demo: bool) -> None:
    """Say so when a bot starts with nothing to look things up in."""
    if not demo and not settings.services:
        click.echo(f"supportbot: {messages.no_services_configured()}", err=True)


class Env:
    """What the group options decided, handed to every subcommand (the adapters' subcommands
    see it as their host, e.g. `supportbot.slack.SlackHost`)."""

    def __init__(self, config: Path | None, adapters: Adapters = ADAPTERS) -> None:
        self.config = config
        self.adapters = adapters
        self._settings: Settings | None = None

    def settings(self, **overrides: Any) -> Settings:
        """Load (once) and return the settings, the adapters' tables included; exit 2 with the
        reason when they are invalid. Old keys still read are logged once, at WARNING."""
        if self._settings is None or overrides:
            try:
                settings = load_settings(self.config, tables=self.adapters.tables, **overrides)
            except ConfigError as exc:
                fail(str(exc))
            configure_logging(settings)
            for line in settings.deprecations:
                log.warning(line)
            if overrides:
                return settings
            self._settings = settings
        return self._settings

    @asynccontextmanager
    async def open_bot(
        self, settings: Settings, *, demo: bool = False, outlets: Outlets | None = None
    ) -> AsyncIterator[Bot]:
        """The bot for `settings`, on the sample services when `demo`, with `/metrics` on its
        own port when `metrics_port` is set; what went wrong at start is printed."""
        from .runtime import open_served_bot

        warn_without_services(settings, demo=demo)
        async with open_served_bot(settings, demo=demo, outlets=outlets) as bot:
            report_loading(bot)
            yield bot

    def web_pages(self, bot: Bot) -> Any:
        """What Slack's HTTP mode mounts beside /slack/events: the dashboard, when
        SUPPORTBOT_DASHBOARD_TOKEN is set (None otherwise)."""
        from .dashboard_cli import dashboard_pages

        return dashboard_pages(bot)


pass_env = click.make_pass_decorator(Env)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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


DOWN_OPTION = click.option(
    "--down",
    multiple=True,
    type=click.Choice(["merchants", "billing", "devices", "transactions", "receipts"]),
    help="With the sample services: stop this one, to see how a dead service looks. Repeatable.",
)


def _open_runtime(
    env: Env,
    *,
    demo: bool,
    latency_ms: int | None = None,
    down: tuple[str, ...] = (),
    calls: bool = False,
) -> Any:
    from .runtime import BotThread

    overrides = {} if latency_ms is None else {"demo_latency_ms": latency_ms}
    settings = env.settings(**overrides)
    warn_without_services(settings, demo=demo)
    if down and not demo:
        fail("--down stops sample services; use it with --demo (or `supportbot demo`)")
    runtime = BotThread(settings, demo=demo, down=down, calls=calls)
    try:
        bot = runtime.start()
    except (ConfigError, PluginError) as exc:
        runtime.stop()
        fail(str(exc))
    except SupportbotError as exc:
        runtime.stop()
        fail(exc.user_message)
    report_loading(bot)
    return runtime


def _chat(
    env: Env,
    *,
    demo: bool,
    user: str | None,
    latency_ms: int | None = None,
    down: tuple[str, ...] = (),
    calls: bool = False,
) -> None:
    from supportbot.terminal.session import TerminalSession, terminal_user

    runtime = _open_runtime(env, demo=demo, latency_ms=latency_ms, down=down, calls=calls)
    try:
        session = TerminalSession(runtime, terminal_user(user))
        session.repl(history_file=runtime.bot.settings.data_dir / ".supportbot_history")
    finally:
        runtime.stop()


@cli.command()
@click.option("--as", "user", metavar="USER", help="Act as this user (default: login name).")
@click.option("--latency-ms", type=click.IntRange(0, 120_000), help="Slow every sample service.")
@DOWN_OPTION
@click.option("--calls", is_flag=True, help="Run a fake phone system that rings the bot.")
@metrics_port_option
@pass_env
def demo(
    env: Env, user: str | None, latency_ms: int | None, down: tuple[str, ...], calls: bool
) -> None:
    """Chat with the bot against the bundled sample services."""
    _chat(env, demo=True, user=user, latency_ms=latency_ms, down=down, calls=calls)


@cli.command()
@click.option("--demo", is_flag=True, help="Use the bundled sample services.")
@click.option("--as", "user", metavar="USER", help="Act as this user (default: login name).")
@metrics_port_option
@pass_env
def shell(env: Env, demo: bool, user: str | None) -> None:
    """Chat with the bot in the terminal, against the configured services."""
    _chat(env, demo=demo, user=user)


@cli.command(name="exec")
@click.argument("text")
@click.option("--demo", is_flag=True, help="Use the bundled sample services.")
@click.option("--json", "json_output", is_flag=True, help="Print the reply as JSON.")
@click.option("--as", "user", metavar="USER", help="Act as this user (default: login name).")
@click.option("--yes", "assume_yes", is_flag=True, help="Confirm an action without asking.")
@DOWN_OPTION
@pass_env
def exec_(
    env: Env,
    text: str,
    demo: bool,
    json_output: bool,
    user: str | None,
    assume_yes: bool,
    down: tuple[str, ...],
) -> None:
    """Run one command and exit: 0 ok, 1 failed or found nothing, 2 usage error."""
    from supportbot.terminal.session import TerminalSession, exit_code, terminal_user

    runtime = _open_runtime(env, demo=demo, down=down)
    try:
        session = TerminalSession(
            runtime, terminal_user(user), json_output=json_output, assume_yes=assume_yes
        )
        reply = session.run(text)
    finally:
        runtime.stop()
    sys.exit(exit_code(reply))


@cli.command()
@click.option("--json", "json_output", is_flag=True, help="Print as JSON.")
@pass_env
def config(env: Env, json_output: bool) -> None:
    """Print the effective configuration, secrets masked."""
    from .config_view import effective_config, render_config

    view = effective_config(env.settings(), env.config, tables=env.adapters.tables)
    click.echo(json.dumps(view, indent=2) if json_output else render_config(view))


@cli.group()
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


@cli.command()
@click.option("--since", help="Only after this: 30m, 2h, 7d, or an ISO date/time.")
@click.option("--command", "command_name", help="Only this command (without /).")
@click.option(
    "--outcome",
    type=click.Choice([o.value for o in Outcome], case_sensitive=False),
    help="Only this outcome.",
)
@click.option("--user", help="Only this user (id, e.g. U0123ABCD or terminal:ani, or name).")
@click.option(
    "--target",
    help="Only this customer: a merchant or transaction id, or a phone or email (masked first).",
)
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
@click.option(
    "--csv",
    "csv_file",
    type=click.File("w", encoding="utf-8"),
    help="Write CSV here (- for stdout).",
)
@click.option(
    "--actions",
    is_flag=True,
    help="The actions instead (resends, resets, refunds): status, who, approver, unknown outcomes.",
)
@pass_env
def audit(
    env: Env,
    since: str | None,
    command_name: str | None,
    outcome: str | None,
    user: str | None,
    target: str | None,
    limit: int,
    csv_file: Any,
    actions: bool,
) -> None:
    """List or export audit records, newest first."""
    from supportbot.dispatch.bot import open_store
    from supportbot.storage import ACTION_CSV_COLUMNS, write_csv

    from .audit_view import parse_since, render_actions_table, render_audit_table, stored_target

    try:
        since_at = parse_since(since, now=datetime.now(UTC)) if since else None
    except ValueError as exc:
        fail(str(exc))
    if target is not None:
        target = stored_target(target, env.settings().phone_region)

    if actions and outcome:
        fail("--outcome filters audit records; with --actions every status is listed")

    async def query() -> list[Any]:
        store = await open_store(env.settings())
        try:
            if actions:
                return await store.actions.runs(
                    since=since_at,
                    command=command_name.lstrip("/") if command_name else None,
                    user=user,
                    targets=[target] if target else None,
                    limit=limit,
                )
            return await store.audit.query(
                since=since_at,
                command=command_name.lstrip("/") if command_name else None,
                outcome=outcome.lower() if outcome else None,
                user=user,
                target=target,
                limit=limit,
            )
        finally:
            await store.close()

    try:
        entries = asyncio.run(query())
    except ConfigError as exc:
        fail(str(exc))
    if csv_file is not None:
        write_csv(entries, csv_file, ACTION_CSV_COLUMNS) if actions else write_csv(
            entries, csv_file
        )
    else:
        click.echo(render_actions_table(entries) if actions else render_audit_table(entries))


@cli.command(name="sample-services")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", "base_port", type=click.IntRange(1, 65530), default=8101, show_default=True)
@click.option("--latency-ms", type=click.IntRange(0, 120_000), default=0, show_default=True)
def sample_services(host: str, base_port: int, latency_ms: int) -> None:
    """Serve the sample services on fixed ports until Ctrl-C (for `shell` and your own tests)."""
    from supportbot.sample import serve_forever

    def ready(urls: dict[str, str]) -> None:
        for name, url in urls.items():
            click.echo(f"{name:<13} {url}")
        click.echo("Serving the sample services until Ctrl-C.")

    try:
        asyncio.run(serve_forever(host, base_port, latency_ms=latency_ms, on_ready=ready))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        fail(f"cannot listen on {host}:{base_port}..{base_port + 4}: {exc.strerror}")


def _register_adapters() -> None:
    # The one place that knows every adapter: each adds itself through its `register` hook.
    # Slack's commands import slack-bolt only when they run, so the terminal stays light.
    slack.register(ADAPTERS)
    from supportbot.record.stats_settings import STATS_TABLE

    ADAPTERS.add_settings_table(STATS_TABLE)
    ADAPTERS.add_settings_table(RECORD_TABLE)  # the [record] table: taxonomy and limits
    from .dashboard_cli import dashboard

    cli.add_command(dashboard)
    for command in [*RESILIENCE_COMMANDS, *RECORD_COMMANDS, *ADAPTERS.commands]:
        cli.add_command(command)


_register_adapters()


def main() -> None:
    """Entry point of the `supportbot` console script."""
    cli()
