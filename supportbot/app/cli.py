"""The `supportbot` command line. Every subcommand is documented in the README's CLI reference."""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from supportbot.core.console import fail, metrics_port_option
from supportbot.core.errors import ConfigError, PluginError, SupportbotError
from supportbot.core.logs import configure_logging
from supportbot.core.reply import Outcome
from supportbot.core.settings import Settings, load_settings

from .ops_cli import RESILIENCE_COMMANDS

__all__ = ["main"]


class Env:
    """What the group options decided, handed to every subcommand."""

    def __init__(self, config: Path | None) -> None:
        self.config = config
        self._settings: Settings | None = None

    def settings(self, **overrides: Any) -> Settings:
        """Load (once) and return the settings; exit 2 with the reason when they are invalid."""
        if self._settings is None or overrides:
            try:
                settings = load_settings(self.config, **overrides)
            except ConfigError as exc:
                fail(str(exc))
            configure_logging(settings)
            if overrides:
                return settings
            self._settings = settings
        return self._settings


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
    env: Env, *, demo: bool, latency_ms: int | None = None, down: tuple[str, ...] = ()
) -> Any:
    from .runtime import BotThread

    overrides = {} if latency_ms is None else {"demo_latency_ms": latency_ms}
    settings = env.settings(**overrides)
    if not demo and not settings.services:
        click.echo(
            "supportbot: no services are configured; commands that look things up will fail. "
            "Add [services.*] to the config, or use --demo for the sample services.",
            err=True,
        )
    if down and not demo:
        fail("--down stops sample services; use it with --demo (or `supportbot demo`)")
    runtime = BotThread(settings, demo=demo, down=down)
    try:
        bot = runtime.start()
    except (ConfigError, PluginError) as exc:
        runtime.stop()
        fail(str(exc))
    except SupportbotError as exc:
        runtime.stop()
        fail(exc.user_message)
    for failure in bot.plugin_failures:
        click.echo(f"supportbot: plugin not loaded: {failure}", err=True)
    for warning in bot.warnings:
        click.echo(f"supportbot: warning: {warning}", err=True)
    return runtime


def _chat(
    env: Env,
    *,
    demo: bool,
    user: str | None,
    latency_ms: int | None = None,
    down: tuple[str, ...] = (),
) -> None:
    from supportbot.terminal.session import TerminalSession, terminal_user

    runtime = _open_runtime(env, demo=demo, latency_ms=latency_ms, down=down)
    try:
        session = TerminalSession(runtime, terminal_user(user))
        session.repl(history_file=runtime.bot.settings.data_dir / ".supportbot_history")
    finally:
        runtime.stop()


@cli.command()
@click.option("--as", "user", metavar="USER", help="Act as this user (default: login name).")
@click.option("--latency-ms", type=click.IntRange(0, 120_000), help="Slow every sample service.")
@DOWN_OPTION
@metrics_port_option
@pass_env
def demo(env: Env, user: str | None, latency_ms: int | None, down: tuple[str, ...]) -> None:
    """Chat with the bot against the bundled sample services."""
    _chat(env, demo=True, user=user, latency_ms=latency_ms, down=down)


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

    view = effective_config(env.settings(), env.config)
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
    # Slack's commands import slack-bolt only when they run, so the terminal stays light.
    from supportbot.slack._cli import SLACK_COMMANDS

    for command in [*RESILIENCE_COMMANDS, *SLACK_COMMANDS]:
        cli.add_command(command)


_register_adapters()


def main() -> None:
    """Entry point of the `supportbot` console script."""
    cli()
