"""The Slack credentials, read from the environment and checked before anything starts.

Secrets only ever come from the environment. A missing or malformed one stops the start with
the variable's name and where to get it, instead of failing on the first request.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from supportbot.core.errors import ConfigError

from . import wording as messages

__all__ = ["SlackCredentials", "read_credentials"]

_SHAPES = {
    "SLACK_BOT_TOKEN": (re.compile(r"^xoxb-[0-9A-Za-z-]+$"), "a bot token starting with xoxb-"),
    "SLACK_APP_TOKEN": (
        re.compile(r"^xapp-[0-9A-Za-z-]+$"),
        "an app-level token starting with xapp-",
    ),
    "SLACK_SIGNING_SECRET": (
        re.compile(r"^[0-9a-fA-F]{24,64}$"),
        "the hexadecimal Signing Secret (32 characters)",
    ),
}


@dataclass(frozen=True)
class SlackCredentials:
    """What the bot needs from Slack: always the bot token, then one per mode."""

    bot_token: str
    app_token: str | None = None
    signing_secret: str | None = None

    def __repr__(self) -> str:  # never print a secret, even in a traceback
        return "SlackCredentials(***)"


def _read(variable: str, environ: Mapping[str, str]) -> str:
    value = environ.get(variable, "").strip()
    if not value:
        raise ConfigError(messages.slack_token_missing(variable))
    shape, expected = _SHAPES[variable]
    if not shape.match(value):
        # The bot and app tokens are easy to paste into each other's variable: say so.
        for other, (other_shape, _) in _SHAPES.items():
            if other != variable and other_shape.match(value):
                raise ConfigError(messages.slack_tokens_swapped(variable, other))
        raise ConfigError(messages.slack_token_malformed(variable, expected))
    return value


def read_credentials(
    mode: Literal["socket", "http"], environ: Mapping[str, str] | None = None
) -> SlackCredentials:
    """SLACK_BOT_TOKEN, plus SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode).

    Raises ConfigError naming the first variable that is missing or malformed.
    """
    env = os.environ if environ is None else environ
    bot_token = _read("SLACK_BOT_TOKEN", env)
    if mode == "socket":
        return SlackCredentials(bot_token=bot_token, app_token=_read("SLACK_APP_TOKEN", env))
    return SlackCredentials(bot_token=bot_token, signing_secret=_read("SLACK_SIGNING_SECRET", env))
