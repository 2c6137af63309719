"""`supportbot dashboard`: the web dashboard on a port of its own."""

from __future__ import annotations

import asyncio
import secrets
import signal
import tempfile
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from supportbot.core.console import fail

from .env import Env, pass_env

if TYPE_CHECKING:
    from supportbot.core.settings import Settings

__all__ = ["dashboard"]


async def _serve(env: Env, *, demo: bool, host: str, port: int, token: str, made_up: bool) -> None:
    if not demo:
        await _run(env, env.settings(), demo, host, port, token, made_up)
        return
    # a throwaway database with a sample month, removed at the end: the real audit trail
    # stays clean
    with tempfile.TemporaryDirectory(prefix="supportbot-dashboard-demo-") as folder:
        settings = env.settings(data_dir=folder, database_url=f"sqlite:///{folder}/supportbot.db")
        await _run(env, settings, demo, host, port, token, made_up)


async def _run(
    env: Env,
    settings: Settings,
    demo: bool,
    host: str,
    port: int,
    token: str,
    made_up: bool,
) -> None:
    from supportbot.core.errors import ConfigError
    from supportbot.record.insight import Insight
    from supportbot.record.sample_activity import seed_sample_month
    from supportbot.web import wording as messages
    from supportbot.web.dashboard import serve_dashboard

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with env.open_bot(settings, demo=demo) as bot:
        if bot.store is None:
            fail("the dashboard reads the bot's database, and this bot has none")
        insight = Insight(bot.store, settings, bot.registry)
        if demo:
            runs = await seed_sample_month(
                bot.store, zone=insight.config.zone, now=datetime.now(UTC)
            )
            click.echo(f"supportbot: demo database with {runs:,} sample command runs")
        try:
            server = serve_dashboard(insight, token, host=host, port=port)
            url = await server.__aenter__()
        except OSError as exc:
            raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
        try:
            click.echo(f"supportbot: {messages.dashboard_serving(url)}")
            if made_up:  # a token the user set is theirs: never echoed to a log
                click.echo(f"supportbot: demo token: {token}")
            await stop.wait()
        finally:
            await server.__aexit__(None, None, None)


@click.command()
@click.option("--demo", is_flag=True, help="Sample services and a throwaway sample month.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8088, show_default=True)
@pass_env
def dashboard(env: Env, demo: bool, host: str, port: int) -> None:
    """Serve the read-only web dashboard (sign in with SUPPORTBOT_DASHBOARD_TOKEN)."""
    from supportbot.core.errors import ConfigError
    from supportbot.web import wording as messages
    from supportbot.web.dashboard import dashboard_token

    try:
        token = dashboard_token()
    except ConfigError as exc:
        fail(str(exc))
    made_up = token is None
    if token is None:
        if not demo:
            fail(messages.dashboard_token_missing())
        token = secrets.token_urlsafe(18)
    try:
        asyncio.run(_serve(env, demo=demo, host=host, port=port, token=token, made_up=made_up))
    except ConfigError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        pass
