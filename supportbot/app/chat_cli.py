"""`supportbot demo`, `supportbot shell` and `supportbot exec`: the bot in the terminal.

Imported only when one of them runs (the group lists them by `CommandEntry`); the bot, the
terminal session and the sample services are imported inside, when the bot starts.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from supportbot.core.console import fail, metrics_port_option
from supportbot.core.errors import ConfigError, PluginError, SupportbotError

from .env import Env, pass_env

__all__ = ["DOWN_OPTION", "demo", "exec_", "shell"]

DOWN_OPTION = click.option(
    "--down",
    multiple=True,
    type=click.Choice(
        ["merchants", "billing", "devices", "transactions", "receipts", "notifications"]
    ),
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
    from .runtime import BotThread, report_loading, warn_without_services

    overrides = {} if latency_ms is None else {"demo_latency_ms": latency_ms}
    settings = env.settings(**overrides)
    warn_without_services(settings, demo=demo)
    if down and not demo:
        fail("--down stops sample services; use it with --demo (or `supportbot demo`)")
    from supportbot.dispatch.bot import Outlets
    from supportbot.terminal.run_progress import TerminalProgress

    runtime = BotThread(
        settings,
        demo=demo,
        down=down,
        calls=calls,
        outlets=Outlets(progress=TerminalProgress()),
    )
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


@click.command()
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


@click.command()
@click.option("--demo", is_flag=True, help="Use the bundled sample services.")
@click.option("--as", "user", metavar="USER", help="Act as this user (default: login name).")
@metrics_port_option
@pass_env
def shell(env: Env, demo: bool, user: str | None) -> None:
    """Chat with the bot in the terminal, against the configured services."""
    _chat(env, demo=demo, user=user)


@click.command(name="exec")
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
