"""The Slack adapter: slash commands, @mentions and DMs over Socket Mode or HTTP mode.

It only converts: Slack payloads become core `Message`s, `Reply`s become Block Kit. Start it
from the CLI (`supportbot run`, `supportbot serve`, `supportbot manifest`) or in code::

    async with connect_slack(settings, bot_token=token) as slack:
        async with open_bot(settings, outlets=slack.outlets()) as bot:
            async with open_slack(bot, slack) as adapter, run_socket_mode(adapter, app_token):
                ...

Slack is connected before the bot is opened, so the bot is built with the channels and notes the
connection lends it (`slack.outlets()`); nothing is rewired afterwards.

The application lists Slack's subcommands from `SLACK_ENTRIES` (names, help lines and import
paths: nothing of Slack is imported for `supportbot --help`), and adds its `[slack]` settings
table and its doctor check with `register(app)` when a subcommand first needs the settings.
Test helpers (a fake Slack, a request signer, payload builders) are in `supportbot.slack.testing`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._app import SlackAdapter, open_slack
    from ._blocks import Interactive, SlackMessage, render_reply
    from ._cli import SLACK_COMMANDS, SlackHost
    from ._connection import SlackConnection, connect_slack
    from ._credentials import SlackCredentials, read_credentials
    from ._dedupe import Dedupe, MemoryDedupe, delivery_key
    from ._doctor import check_slack
    from ._entries import SLACK_ENTRIES
    from ._http import build_web_app, serve_http
    from ._identity import SlackIdentity, authenticate
    from ._interactions import Interaction, InteractionStore, MemoryInteractions
    from ._manifest import build_manifest, events_url, to_yaml
    from ._registration import AdapterRegistry, DoctorCheck, register
    from ._settings import SLACK_TABLE, SlackSettings, slack_settings
    from ._share import shareable
    from ._socket import SocketModeRunner, run_socket_mode, serve_socket_health
    from ._users import UserDirectory

# Imported on first use: `supportbot --help` should not pay for slack-bolt.
_LAZY = {
    "AdapterRegistry": "._registration",
    "Dedupe": "._dedupe",
    "DoctorCheck": "._registration",
    "Interaction": "._interactions",
    "InteractionStore": "._interactions",
    "Interactive": "._blocks",
    "MemoryDedupe": "._dedupe",
    "MemoryInteractions": "._interactions",
    "SLACK_COMMANDS": "._cli",
    "SLACK_ENTRIES": "._entries",
    "SLACK_TABLE": "._settings",
    "SlackAdapter": "._app",
    "SlackConnection": "._connection",
    "SlackCredentials": "._credentials",
    "SlackHost": "._cli",
    "SlackIdentity": "._identity",
    "SlackMessage": "._blocks",
    "SlackSettings": "._settings",
    "SocketModeRunner": "._socket",
    "UserDirectory": "._users",
    "authenticate": "._identity",
    "build_manifest": "._manifest",
    "build_web_app": "._http",
    "check_slack": "._doctor",
    "connect_slack": "._connection",
    "delivery_key": "._dedupe",
    "events_url": "._manifest",
    "open_slack": "._app",
    "read_credentials": "._credentials",
    "register": "._registration",
    "render_reply": "._blocks",
    "run_socket_mode": "._socket",
    "serve_http": "._http",
    "serve_socket_health": "._socket",
    "shareable": "._share",
    "slack_settings": "._settings",
    "to_yaml": "._manifest",
}

__all__ = [
    "AdapterRegistry",
    "Dedupe",
    "DoctorCheck",
    "Interaction",
    "InteractionStore",
    "Interactive",
    "MemoryDedupe",
    "MemoryInteractions",
    "SLACK_COMMANDS",
    "SLACK_ENTRIES",
    "SLACK_TABLE",
    "SlackAdapter",
    "SlackConnection",
    "SlackCredentials",
    "SlackHost",
    "SlackIdentity",
    "SlackMessage",
    "SlackSettings",
    "SocketModeRunner",
    "UserDirectory",
    "authenticate",
    "build_manifest",
    "build_web_app",
    "check_slack",
    "connect_slack",
    "delivery_key",
    "events_url",
    "open_slack",
    "read_credentials",
    "register",
    "render_reply",
    "run_socket_mode",
    "serve_http",
    "serve_socket_health",
    "shareable",
    "slack_settings",
    "to_yaml",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module, __name__), name)


def __dir__() -> list[str]:
    return sorted(__all__)
