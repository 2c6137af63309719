"""Everything the bot sends to Slack: response_url posts and Web API calls, failures logged.

A delivery that fails cannot be shown to the user (that is what failed), so it is logged with
what Slack said, and the caller carries on. Rate limits and server errors are retried first (the
retry handlers of `connect_slack`, for response_urls too), and posts are paced per channel.
"""

from __future__ import annotations

import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from ._blocks import SlackMessage
from ._pacing import ChannelPacer

__all__ = ["Outbox"]

log = logging.getLogger("supportbot.slack.outbox")


class Outbox:
    """Sends messages through one Web API client and one HTTP session."""

    def __init__(
        self,
        client: AsyncWebClient,
        session: aiohttp.ClientSession,
        *,
        retry_handlers: list[AsyncRetryHandler] | None = None,
        pacer: ChannelPacer | None = None,
    ) -> None:
        self.client = client
        self._session = session
        self._retry_handlers = retry_handlers or []
        self._pacer = pacer or ChannelPacer()

    async def respond(
        self,
        response_url: str,
        message: SlackMessage,
        *,
        response_type: str = "ephemeral",
        replace_original: bool = False,
    ) -> bool:
        """Post to a `response_url` (valid 30 minutes, 5 uses); True when Slack took it."""
        body: dict[str, Any] = {**message.payload(), "response_type": response_type}
        body["replace_original"] = replace_original
        webhook = AsyncWebhookClient(
            response_url, session=self._session, timeout=10, retry_handlers=self._retry_handlers
        )
        try:
            response = await webhook.send_dict(body)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.error("could not post to the response_url: %r", exc)
            return False
        if response.status_code != 200:
            log.error("the response_url answered %s: %s", response.status_code, response.body)
            return False
        return True

    async def post(
        self, channel: str, message: SlackMessage, *, thread_ts: str | None = None
    ) -> str | None:
        """chat.postMessage; the new message's `ts`, or None when it failed."""
        await self._pacer.wait_turn(channel)
        try:
            response = await self.client.chat_postMessage(
                channel=channel, thread_ts=thread_ts, **message.payload()
            )
        except (SlackApiError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.error("chat.postMessage to %s failed: %s", channel, _reason(exc))
            return None
        ts = response.get("ts")
        return str(ts) if ts else None

    async def post_ephemeral(
        self, channel: str, user: str, message: SlackMessage, *, thread_ts: str | None = None
    ) -> bool:
        """chat.postEphemeral: shown to `user` only, until they reload Slack."""
        await self._pacer.wait_turn(channel)
        try:
            await self.client.chat_postEphemeral(
                channel=channel, user=user, thread_ts=thread_ts, **message.payload()
            )
        except (SlackApiError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.error("chat.postEphemeral to %s failed: %s", channel, _reason(exc))
            return False
        return True

    async def update(self, channel: str, ts: str, message: SlackMessage) -> bool:
        """chat.update of a message the bot posted."""
        try:
            await self.client.chat_update(channel=channel, ts=ts, **message.payload())
        except (SlackApiError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.error("chat.update of %s in %s failed: %s", ts, channel, _reason(exc))
            return False
        return True


def _reason(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError) and exc.response is not None:
        return str(exc.response.get("error") or exc)
    return repr(exc)
