"""From Slack payloads to the command text the core runs; nothing else is read from them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._text import unescape_input

__all__ = [
    "RESERVED_PREFIX",
    "SLACK_BUILT_INS",
    "command_text",
    "event_text",
    "is_direct_message",
    "is_person_speaking",
    "slash_name",
    "text_or_none",
    "typed_command_name",
    "typed_slash",
]

#: Slack's own slash commands (and their aliases): an app may not register these names, and a
#: manifest naming one is refused whole.
SLACK_BUILT_INS = frozenset(
    {
        "active", "apps", "archive", "away", "call", "close", "collapse", "dm", "dnd", "expand",
        "feed", "feedback", "invite", "invite_people", "join", "keys", "kick", "leave", "me",
        "msg", "mute", "open", "part", "remind", "remove", "rename", "s", "search", "shortcuts",
        "shrug", "star", "status", "topic", "who",
    }
)  # fmt: skip
#: A command named like one of them is the slash command `/sb-<name>` instead.
RESERVED_PREFIX = "sb-"


def slash_name(command: str, prefix: str = "") -> str:
    """The slash command of a registered command: `/merchant`, but `/sb-status`; with a
    `prefix` (`[slack] prefix = "sb-"`) every one of them: `/sb-merchant`."""
    if prefix:
        return f"/{prefix}{command}"
    return f"/{RESERVED_PREFIX}{command}" if command in SLACK_BUILT_INS else f"/{command}"


def _command_of(slash: str, prefix: str = "") -> str:
    """The inverse of `slash_name`: `/sb-status` -> `/status` (`/sb-merchant` -> `/merchant`
    with the prefix `sb-`)."""
    name = slash.lstrip("/")
    if prefix and name.lower().startswith(prefix.lower()) and len(name) > len(prefix):
        return "/" + name[len(prefix) :]
    if name.startswith(RESERVED_PREFIX) and name[len(RESERVED_PREFIX) :] in SLACK_BUILT_INS:
        return "/" + name[len(RESERVED_PREFIX) :]
    return slash


_LEADING_MENTION = re.compile(r"^\s*<@([UW][A-Z0-9]+)(?:\|[^>]*)?>[\s:,]*")


def _as_command(text: str) -> str:
    """Chat text as a command line: `merchant 0812` and `/merchant 0812` run the same."""
    stripped = text.strip()
    if stripped and not stripped.startswith("/"):
        return "/" + stripped
    return stripped


def command_text(body: Mapping[str, Any], prefix: str = "") -> str:
    """The command line of a slash command payload: `/merchant 0812-3456-7890`."""
    name = _command_of(str(body.get("command") or "").strip(), prefix)
    arguments = unescape_input(str(body.get("text") or "")).strip()
    return _as_command(f"{name} {arguments}" if arguments else name)


def event_text(event: Mapping[str, Any], bot_user_id: str | None, prefix: str = "") -> str:
    """The command line of an `app_mention` or a DM: the text without the leading @mention
    (`merchant ...` and, with a prefix, `sb-merchant ...` both run /merchant)."""
    text = str(event.get("text") or "")
    while True:
        match = _LEADING_MENTION.match(text)
        if match is None or (bot_user_id is not None and match.group(1) != bot_user_id):
            break
        text = text[match.end() :]
    line = _as_command(unescape_input(text))
    name, space, rest = line.partition(" ")
    return _command_of(name, prefix) + space + rest


def is_direct_message(event: Mapping[str, Any]) -> bool:
    """A plain message a person sent to the bot in its DM (not an edit, not a bot's message)."""
    return (
        event.get("type") == "message"
        and event.get("channel_type") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
        and bool(event.get("user"))
    )


def is_person_speaking(event: Mapping[str, Any], bot_user_id: str | None) -> bool:
    """Whether an event is a person's own new text: not an edit (Slack sends an edited mention
    again, under a new event id), not a bot's message (another app's, or this bot's own)."""
    if event.get("edited") or event.get("bot_id") or event.get("bot_profile"):
        return False
    if event.get("subtype") in ("bot_message", "message_changed", "message_deleted"):
        return False
    user = event.get("user")
    return bool(user) and user != bot_user_id


def typed_slash(body: Mapping[str, Any]) -> str:
    """The slash command as the user typed it, for echoing (`/sb-status now`)."""
    name = str(body.get("command") or "").strip()
    arguments = unescape_input(str(body.get("text") or "")).strip()
    return f"{name} {arguments}" if arguments else name


def typed_command_name(text: str) -> str:
    """The command name as typed (`/m 0812` -> `m`), lower case; empty for empty text."""
    words = text.strip().lstrip("/").split(maxsplit=1)
    return words[0].lower() if words else ""


def text_or_none(value: Any) -> str | None:
    """A payload field that should be a non-empty string, or None (`user_team`, ...)."""
    return value if isinstance(value, str) and value else None
