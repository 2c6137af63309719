"""`supportbot run`, `supportbot serve` and `supportbot manifest`: Slack on the command line.

The app adds `SLACK_COMMANDS` to its CLI through `register` (`_registration.py`). Like every
subcommand they get the CLI's context object, here as a `SlackHost`: the settings, and a bot
opened for them (with the sample services under `--demo`, with `/metrics` on `--metrics-port`).
They print errors for a person and exit 2 on configuration errors: a missing or malformed token
fails before anything starts.
"""

from __future__ import annotations

import asyncio
import json
import signal
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

import click

from supportbot.core.console import fail, metrics_port_option
from supportbot.core.errors import ConfigError, PluginError, SupportbotError
from supportbot.core.settings import Settings

from . import wording as messages

if TYPE_CHECKING:
    from supportbot.dispatch.bot import Bot, Outlets

__all__ = ["SLACK_COMMANDS", "SlackHost", "manifest", "run", "serve"]


class SlackHost(Protocol):
    """What the Slack subcommands need from the command line that runs them; the app's CLI
    context object implements it (an adapter never imports the app or the sample services)."""

    def settings(self) -> Settings:
        """The settings in force; exits 2 with the reason when they are invalid."""
        ...

    def open_bot(
        self, settings: Settings, *, demo: bool, outlets: Outlets | None = None
    ) -> AbstractAsyncContextManager[Bot]:
        """The bot for `settings`, given the adapter's `outlets`: on the sample services when
        `demo`, with `/metrics` on its own port while it is open when `metrics_port` is set; its
        warnings already printed."""
        ...


def _resolved(folder: Path) -> str:
    try:
        return str(folder.resolve())
    except OSError:  # the working directory itself is gone
        return str(folder)


async def _serve(
    host: SlackHost,
    settings: Settings,
    *,
    mode: Literal["socket", "http"],
    demo: bool,
    address: str,
    port: int | None,
) -> None:
    from supportbot.core.message import User

    from ._app import open_slack
    from ._calls import SlackCardPoster
    from ._connection import connect_slack
    from ._credentials import read_credentials
    from ._http import serve_http
    from ._socket import run_socket_mode, serve_socket_health

    credentials = read_credentials(mode)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with AsyncExitStack() as stack:
        # Slack first: the bot is built with what the connection lends it (see _connection).
        slack = await stack.enter_async_context(
            connect_slack(settings, bot_token=credentials.bot_token)
        )
        bot = await stack.enter_async_context(
            host.open_bot(settings, demo=demo, outlets=slack.outlets())
        )
        adapter = await stack.enter_async_context(
            open_slack(
                bot,
                slack,
                signing_secret=credentials.signing_secret if mode == "http" else None,
            )
        )
        identity = adapter.identity
        if mode == "socket":
            assert credentials.app_token is not None
            runner = await stack.enter_async_context(
                run_socket_mode(adapter, credentials.app_token)
            )
            click.echo(messages.slack_connected(identity.user, identity.team, "Socket Mode"))
            if port is not None:
                url = await stack.enter_async_context(
                    serve_socket_health(runner, host=address, port=port)
                )
                click.echo(f"supportbot: health at {url}/healthz and {url}/readyz")
        else:
            # Beside /slack/events: what the host serves too (the incoming-calls webhook, and
            # pages that are not Slack's: the dashboard).
            web_routes = getattr(host, "web_routes", None)
            me = User(id=identity.bot_user_id, name=identity.user)
            poster = SlackCardPoster(slack.outbox, settings, adapter.replies, me)
            routes = web_routes(bot, poster) if web_routes is not None else ()
            web_pages = getattr(host, "web_pages", None)
            pages = web_pages(bot) if web_pages is not None else None
            url = await stack.enter_async_context(
                serve_http(adapter, host=address, port=port or 3000, routes=routes, pages=pages)
            )
            click.echo(messages.slack_connected(identity.user, identity.team, "HTTP mode"))
            click.echo(messages.slack_serving(f"{url}/slack/events"))
        await stop.wait()
        click.echo("supportbot: stopping; letting running commands finish…", err=True)


def _run_server(
    host: SlackHost,
    *,
    mode: Literal["socket", "http"],
    demo: bool,
    address: str,
    port: int | None,
) -> None:
    settings = host.settings()
    try:
        asyncio.run(_serve(host, settings, mode=mode, demo=demo, address=address, port=port))
    except (ConfigError, PluginError) as exc:
        fail(str(exc))
    except SupportbotError as exc:
        fail(exc.user_message)
    except OSError as exc:
        fail(f"cannot listen on {address}:{port}: {exc.strerror or exc}")
    except KeyboardInterrupt:
        pass


@click.command()
@click.option("--demo", is_flag=True, help="Use the bundled sample services.")
@click.option(
    "--health-port",
    type=click.IntRange(0, 65535),
    help="Also serve /healthz and /readyz (the connection's state) on this port.",
)
@click.option(
    "--host",
    "address",
    default="0.0.0.0",
    show_default=True,
    help="Address of the health port.",
)
@metrics_port_option
@click.pass_obj
def run(host: SlackHost, demo: bool, health_port: int | None, address: str) -> None:
    """Connect to Slack over Socket Mode (SLACK_BOT_TOKEN, SLACK_APP_TOKEN); no public URL."""
    _run_server(host, mode="socket", demo=demo, address=address, port=health_port)


@click.command()
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    envvar="PORT",
    default=3000,
    show_default=True,
    help="Port to listen on (also $PORT).",
)
@click.option(
    "--host", "address", default="0.0.0.0", show_default=True, help="Address to listen on."
)
@click.option("--demo", is_flag=True, help="Use the bundled sample services.")
@metrics_port_option
@click.pass_obj
def serve(host: SlackHost, port: int, address: str, demo: bool) -> None:
    """Serve Slack's HTTP mode at /slack/events (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET)."""
    _run_server(host, mode="http", demo=demo, address=address, port=port)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of YAML.")
@click.option(
    "--http-url",
    metavar="URL",
    help="HTTP mode: the bot's public base URL (requests go to URL/slack/events). "
    "Without it the manifest turns Socket Mode on.",
)
@click.option("--name", default="supportbot", show_default=True, help="The app's name in Slack.")
@click.pass_obj
def manifest(host: SlackHost, as_json: bool, http_url: str | None, name: str) -> None:
    """Print the Slack app manifest for the registered commands (create the app from it)."""
    from supportbot.core.plugins import load_plugins

    from ._manifest import build_manifest, to_yaml
    from ._settings import slack_settings

    settings = host.settings()
    report = load_plugins(
        settings.effective_command_folders, entry_points=settings.load_entry_points
    )
    for failure in report.failures:
        click.echo(f"supportbot: plugin not loaded: {failure}", err=True)
    if len(report.registry) == 0:
        # A manifest without slash commands creates an app that does nothing: from the wrong
        # working directory this is the usual cause, so say where we looked.
        folders = [
            (_resolved(folder), folder.is_dir()) for folder in settings.effective_command_folders
        ]
        fail(messages.manifest_no_commands(folders, settings.load_entry_points))
    if http_url is not None and http_url.strip().lower().startswith("http://"):
        fail(messages.manifest_http_url_not_https(http_url.strip()))
    try:
        prefix = slack_settings(settings).prefix
        data = build_manifest(report.registry, name=name, http_url=http_url, prefix=prefix)
    except ConfigError as exc:
        fail(str(exc))
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    # No comment header: the output goes straight into Slack's manifest editor.
    click.echo(to_yaml(data), nl=False)


#: The Slack subcommands, for `cli.add_command`.
SLACK_COMMANDS: list[click.Command] = [run, serve, manifest]
