"""Who the bot is in Slack, asked once at start (which also checks the bot token)."""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from supportbot.core import wording as core_messages
from supportbot.core.errors import ConfigError

from . import wording as messages

__all__ = ["SlackIdentity", "authenticate", "unreachable_message"]


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


async def authenticate(client: AsyncWebClient, *, timeout_s: float | None = None) -> SlackIdentity:
    """Call `auth.test`; a ConfigError saying what to fix when Slack says no or cannot be reached.

    `timeout_s` defaults to the client's timeout (which a shared session does not apply itself).
    """
    limit = float(client.timeout if timeout_s is None else timeout_s)
    try:
        async with asyncio.timeout(limit):
            response = await client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else None
        if not error and exc.response is not None:
            # No `error` field: whatever answered is not Slack's Web API (a 404 page, a proxy).
            status = str(exc.response.status_code)
            raise ConfigError(
                messages.slack_unreachable_because(client.base_url, "http", detail=status)
            ) from None
        refused = messages.slack_token_refused("SLACK_BOT_TOKEN", str(error or exc))
        raise ConfigError(refused) from None
    except (aiohttp.ClientError, TimeoutError, OSError, ValueError) as exc:
        raise ConfigError(unreachable_message(client.base_url, exc, timeout_s=limit)) from None
    return SlackIdentity(
        bot_user_id=str(response.get("user_id") or ""),
        bot_id=response.get("bot_id"),
        user=str(response.get("user") or ""),
        team=str(response.get("team") or ""),
        team_id=response.get("team_id"),
        enterprise_id=response.get("enterprise_id") or None,
        url=response.get("url"),
    )


def _host_and_port(url: str, exc: BaseException) -> tuple[str, int | None]:
    if isinstance(exc, aiohttp.ClientConnectorError):
        return exc.host, exc.port
    try:
        parts = urlsplit(url)
        return parts.hostname or url, parts.port
    except ValueError:
        return url, None


def _reason(exc: BaseException | None) -> str:
    """What the operating system or TLS library said, in words (`Connection refused`)."""
    if isinstance(exc, ssl.SSLCertVerificationError) and exc.verify_message:
        return str(exc.verify_message)
    if isinstance(exc, ssl.SSLError) and exc.reason:
        return str(exc.reason).replace("_", " ").lower()  # WRONG_VERSION_NUMBER
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc or "")


def unreachable_message(url: str, exc: BaseException, *, timeout_s: float) -> str:
    """The sentence for a connection to Slack at `url` that failed with `exc`: what failed in
    words (never an exception's repr) and what to check."""
    host, port = _host_and_port(url, exc)
    where = f"{host}:{port}" if port else host
    failure, detail = "other", ""
    if isinstance(exc, TimeoutError | aiohttp.ServerTimeoutError):
        failure, detail = "timeout", core_messages.seconds(timeout_s)
    elif isinstance(exc, aiohttp.InvalidURL):
        failure = "invalid_url"
    elif isinstance(exc, aiohttp.ClientConnectorDNSError):
        failure, where = "dns", host
    elif isinstance(exc, aiohttp.ClientConnectorCertificateError):
        failure, detail = "certificate", _reason(exc.certificate_error)
    elif isinstance(exc, aiohttp.ClientConnectorSSLError):
        failure, detail = "tls", _reason(exc.os_error)
    elif isinstance(exc, aiohttp.ClientConnectorError):
        refused = isinstance(exc.os_error, ConnectionRefusedError)
        failure, detail = ("refused", "") if refused else ("connect", _reason(exc.os_error))
    elif isinstance(exc, aiohttp.ServerDisconnectedError | ConnectionResetError):
        failure = "closed"
    else:
        detail = _reason(exc) or type(exc).__name__
    return messages.slack_unreachable_because(url, failure, where=where, detail=detail)
