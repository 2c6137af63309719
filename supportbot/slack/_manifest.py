"""The Slack app manifest, generated from the registered commands.

Paste it into "Create New App → From a manifest" at https://api.slack.com/apps and the app
has every command as a slash command (with its usage hint), the scopes and events the adapter
needs, interactivity for the buttons, and Socket Mode on (or, with an HTTP URL, every request
URL pointing at `/slack/events`). A command's aliases are slash commands too (`/m` for
`/merchant`). A name like one of Slack's own (`/status`) becomes `/sb-status`, because Slack
refuses a manifest that names a built-in command.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from supportbot.core.errors import ConfigError
from supportbot.core.registry import CommandSpec

from . import wording as messages
from ._payloads import slash_name
from ._shortcut import LOG_SHORTCUT, LOOKUP_SHORTCUT

__all__ = [
    "BOT_EVENTS",
    "BOT_SCOPES",
    "EVENTS_PATH",
    "build_manifest",
    "events_url",
    "slash_commands",
    "to_yaml",
]

#: What the adapter uses, and why.
BOT_SCOPES = (
    "commands",  # the slash commands
    "app_mentions:read",  # @supportbot merchant ... in channels
    "im:history",  # plain text in a DM with the bot
    "chat:write",  # answers, "Looking up …", shared cards
    "chat:write.public",  # the escalation post, even in a public channel the bot has not joined
    "users:read",  # the requester's name
    "users:read.email",  # ... and email, for roles granted by email
    "usergroups:read",  # ... and user groups, for roles granted by group
    "channels:read",  # whether the bot can post in the approvals channel (public) ...
    "groups:read",  # ... or private
    "channels:history",  # @supportbot log in a thread: the thread's messages name the customer
    "groups:history",  # ... in private channels too
)
BOT_EVENTS = (
    "app_mention",
    "message.im",
    "app_home_opened",  # the Home tab: numbers, approvals, the open interaction, known issues
    # What changes who someone is: the cached user and groups are dropped at once.
    "user_change",
    "team_join",
    "subteam_members_changed",
)
#: Where HTTP mode takes every request from Slack (Bolt's conventional path).
EVENTS_PATH = "/slack/events"
MAX_SLASH_COMMANDS = 50
MAX_COMMAND_CHARS = 32
DESCRIPTION = "Support lookups and safe actions from one chat command."


def _bot_name(name: str) -> str:
    """The bot's @name: Slack takes lower case letters, digits, `.`, `-` and `_` there."""
    cleaned = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-._")
    return cleaned[:80] or "supportbot"


def events_url(http_url: str) -> str:
    """The request URL for a base URL: `https://bot.example.com` -> `.../slack/events`."""
    url = http_url.strip()
    if not re.match(r"^https?://[^/\s]+", url):
        raise ConfigError(f"--http-url {url!r} must be a full URL, e.g. https://bot.example.com")
    if url.rstrip("/").endswith(EVENTS_PATH):
        return url.rstrip("/")
    return url.rstrip("/") + EVENTS_PATH


def _usage_hint(spec: CommandSpec) -> str | None:
    # The usage line starts with the command itself; Slack shows the hint after the command.
    usage = spec.usage.strip()
    prefix = f"/{spec.name}"
    hint = usage[len(prefix) :].strip() if usage.startswith(prefix) else usage
    return hint[:1000] or None


def _slash_command(
    spec: CommandSpec, name: str, url: str | None, prefix: str = ""
) -> dict[str, Any]:
    """The manifest entry of `spec` as typed `name` (its own name or one of its aliases)."""
    described = " ".join(spec.help.split()) or spec.name
    if name != spec.name:
        described = messages.manifest_alias_description(spec.name, described)
    entry: dict[str, Any] = {
        "command": slash_name(name, prefix),
        "description": described[:2000],
        "should_escape": False,
    }
    hint = _usage_hint(spec)
    if hint:
        entry["usage_hint"] = hint
    if url:
        entry["url"] = url
    return entry


def slash_commands(
    commands: Iterable[CommandSpec], prefix: str = ""
) -> list[tuple[str, CommandSpec]]:
    """(name as typed, spec) for every command and alias, by command name then alias; each
    becomes the slash command `slash_name(name)`.

    A sub-command, `incident-open` beside `incident`, is no slash command of its own: Slack
    sends `/incident open ...`, which the dispatcher routes to it.

    Raises ConfigError when Slack could not take them: too many, a name too long, or two that
    became the same slash command (an alias `sb-status` and a command `status`).
    """
    specs = sorted(commands, key=lambda spec: spec.name)
    # A sub-command (incident-open) is typed under its family's slash command (/incident open).
    families = {spec.name for spec in specs}
    pairs = [
        (name, spec)
        for spec in specs
        if spec.name.rpartition("-")[0] not in families
        for name in (spec.name, *spec.aliases)
    ]
    slashes = [slash_name(name, prefix) for name, _ in pairs]
    too_long = [slash for slash in slashes if len(slash) > MAX_COMMAND_CHARS]
    if too_long:
        raise ConfigError(
            f"Slack takes slash commands of at most {MAX_COMMAND_CHARS} characters: "
            + ", ".join(too_long)
            + " must be renamed."
        )
    seen: dict[str, CommandSpec] = {}
    for slash, (_, spec) in zip(slashes, pairs, strict=True):
        other = seen.setdefault(slash, spec)
        if other is not spec:
            raise ConfigError(
                f"/{other.name} and /{spec.name} would both be the slash command {slash} in "
                "Slack; rename one of them or its alias."
            )
    if len(pairs) > MAX_SLASH_COMMANDS:
        raise ConfigError(
            f"Slack takes at most {MAX_SLASH_COMMANDS} slash commands per app; the registered "
            f"commands and their aliases make {len(pairs)}. Drop some aliases or commands."
        )
    return pairs


def build_manifest(
    commands: Iterable[CommandSpec],
    *,
    name: str = "supportbot",
    http_url: str | None = None,
    prefix: str = "",
) -> dict[str, Any]:
    """The manifest as data: Socket Mode, or HTTP mode when `http_url` is given; every slash
    command starts with `prefix` (`[slack] prefix`) when one is set.

    Every command and every alias is a slash command. Raises ConfigError when Slack could not
    take them (see `slash_commands`).
    """
    pairs = slash_commands(commands, prefix)
    app_name = name.strip()[:35] or "supportbot"
    url = events_url(http_url) if http_url else None
    settings: dict[str, Any] = {
        "event_subscriptions": {"bot_events": list(BOT_EVENTS)},
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": url is None,
        "token_rotation_enabled": False,
    }
    if url:
        settings["event_subscriptions"]["request_url"] = url
        settings["interactivity"]["request_url"] = url
    features: dict[str, Any] = {
        "app_home": {
            "home_tab_enabled": True,
            "messages_tab_enabled": True,
            "messages_tab_read_only_enabled": False,
        },
        "bot_user": {"display_name": _bot_name(app_name), "always_online": True},
    }
    features["shortcuts"] = [
        {
            "name": messages.slack_lookup_shortcut_name(),
            "type": "message",
            "callback_id": LOOKUP_SHORTCUT,
            "description": "Find the phone numbers, emails and merchant ids in this message",
        },
        {
            "name": messages.slack_log_shortcut_name(),
            "type": "message",
            "callback_id": LOG_SHORTCUT,
            "description": "Log this contact on the customer's timeline, with tags and a note",
        },
    ]
    if pairs:
        features["slash_commands"] = [
            _slash_command(spec, name, url, prefix) for name, spec in pairs
        ]
    return {
        "display_information": {
            "name": app_name,
            "description": DESCRIPTION,
            "background_color": "#1d4e89",
        },
        "features": features,
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": settings,
    }


# --- YAML --------------------------------------------------------------------------------------
# A tiny emitter for the manifest's shapes (mappings, lists, strings, booleans, numbers): no
# YAML library is needed. Every string is double-quoted JSON, which is also valid YAML.

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


def _key(key: str) -> str:
    return key if _PLAIN_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(str(value), ensure_ascii=False)


def _lines(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, dict | list) and item:
                lines.append(f"{pad}{_key(key)}:")
                lines += _lines(item, indent + 2)
            else:
                lines.append(f"{pad}{_key(key)}: {_empty_or_scalar(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                nested = _lines(item, indent + 2)
                lines.append(f"{pad}- {nested[0].lstrip()}")
                lines += nested[1:]
            elif isinstance(item, list) and item:
                lines.append(f"{pad}-")
                lines += _lines(item, indent + 2)
            else:
                lines.append(f"{pad}- {_empty_or_scalar(item)}")
    return lines


def _empty_or_scalar(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _scalar(value)


def to_yaml(manifest: dict[str, Any], *, header: str | None = None) -> str:
    """`manifest` as YAML, with an optional comment header."""
    lines = [f"# {line}" if line else "#" for line in (header or "").splitlines()]
    return "\n".join(lines + _lines(manifest, 0)) + "\n"
