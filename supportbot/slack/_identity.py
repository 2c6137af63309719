"""Who the bot is in Slack, asked once at start (which also checks the bot token)."""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from .. import _messages as messages
from .._errors import ConfigError

__all__ = ["SlackIdentity", "authenticate"]


@dataclass(frozen=True)
class SlackIdentity:
    """Who the bot is in its workspace, as `auth.test` says."""

    bot_user_id: str
    bot_id: str | None = None
    user: str = ""
    team: str = ""
    team_id: str | None = None
    enterprise_id: str | None = None
    url: str | None = None


async def authenticate(client: AsyncWebClient) -> SlackIdentity:
    """Call `auth.test`; a ConfigError saying which variable to fix when Slack says no."""
    try:
        response = await client.auth_test()
    except SlackApiError as exc:
        error = str(exc.response.get("error") if exc.response is not None else exc)
        raise ConfigError(messages.slack_token_refused("SLACK_BOT_TOKEN", error)) from None
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        raise ConfigError(messages.slack_unreachable(client.base_url, repr(exc))) from None
    return SlackIdentity(
        bot_user_id=str(response.get("user_id") or ""),
        bot_id=response.get("bot_id"),
        user=str(response.get("user") or ""),
        team=str(response.get("team") or ""),
        team_id=response.get("team_id"),
        enterprise_id=response.get("enterprise_id") or None,
        url=response.get("url"),
    )
