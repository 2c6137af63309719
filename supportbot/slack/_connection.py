"""The bot's connection to Slack's Web API, opened before the bot, and what it lends the core.

Slack is connected first (its token checked with `auth.test`), so that the core's outlets (the
engineering channel for escalations, the note to a requester, the ops channel for alerts) are
handed to `open_bot` when the bot is built; the adapter (`open_slack`) then joins the two::

    async with connect_slack(settings, bot_token=token) as slack:
        async with open_bot(settings, outlets=slack.outlets()) as bot:
            async with open_slack(bot, slack) as adapter:
                ...

Nothing on the core is reassigned after it is built. The connection outlives the bot, so alerts
still being sent when the bot closes go out over it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from supportbot.actions.escalation import EscalationSink, LogEscalationSink
from supportbot.core.settings import Settings, kpi_settings
from supportbot.dispatch.bot import Outlets

from ._identity import SlackIdentity, authenticate
from ._ops_alerts import (
    SlackAlertNotifier,
    SlackEscalationSink,
    SlackLeadsOutlet,
    SlackRequesterNotifier,
)
from ._outbox import Outbox
from ._poster import SlackChannelPoster
from ._progress import SlackProgress
from ._settings import slack_settings

__all__ = ["WEB_API_TIMEOUT_S", "SlackConnection", "connect_slack", "retry_handlers"]

#: Seconds any call to Slack's Web API (or a response_url) may take.
WEB_API_TIMEOUT_S = 10.0


def retry_handlers() -> list[AsyncRetryHandler]:
    """slack_sdk's own retries: a 429 waits its `Retry-After` (twice at most), a 5xx and a
    dropped connection are tried again with backoff. For Web API calls and response_urls."""
    return [
        AsyncRateLimitErrorRetryHandler(max_retry_count=2),
        AsyncServerErrorRetryHandler(max_retry_count=2),
        AsyncConnectionErrorRetryHandler(max_retry_count=1),
    ]


@dataclass(frozen=True)
class SlackConnection:
    """One workspace's Web API client, who the bot is there, and the outbox that sends."""

    settings: Settings
    client: AsyncWebClient
    session: aiohttp.ClientSession
    identity: SlackIdentity
    outbox: Outbox

    def outlets(self) -> Outlets:
        """What this connection lends the bot: escalations posted to
        `[slack] engineering_channel` (logged without one), a note to the requester when an
        approver decides, alerts posted to `ops_channel` (logged without one), the progress of
        long runs as one message edited in place, posts to channels (early warnings, the daily
        share) that later edits update, and low CSAT ratings posted to `[kpi] leads_channel`
        (logged without one)."""
        settings = self.settings
        engineering = slack_settings(settings).engineering_channel
        sink: EscalationSink = (
            SlackEscalationSink(self.outbox, engineering) if engineering else LogEscalationSink()
        )
        ops = settings.ops_channel
        leads = kpi_settings(settings).leads_channel
        return Outlets(
            escalation_sink=sink,
            requester_notifier=SlackRequesterNotifier(self.outbox, settings.phone_region),
            alert_notifier=SlackAlertNotifier(self.outbox, ops) if ops else None,
            progress=SlackProgress(self.outbox),
            poster=SlackChannelPoster(self.outbox),
            leads=SlackLeadsOutlet(self.outbox, leads) if leads else None,
        )


@asynccontextmanager
async def connect_slack(
    settings: Settings, *, bot_token: str, api_url: str | None = None
) -> AsyncIterator[SlackConnection]:
    """A Web API client for `bot_token`, checked with auth.test (a ConfigError saying what to
    fix when Slack refuses it); its session is closed on exit.

    `api_url` defaults to the `[slack] api_url` setting.
    """
    base_url = api_url or slack_settings(settings).api_url
    if not base_url.endswith("/"):
        base_url += "/"
    # A shared session does not apply the client's timeout: give it one of its own, so no Web API
    # call or response_url post waits aiohttp's default 300 s.
    timeout = aiohttp.ClientTimeout(total=WEB_API_TIMEOUT_S)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        client = AsyncWebClient(
            token=bot_token,
            base_url=base_url,
            session=session,
            timeout=int(WEB_API_TIMEOUT_S),
            retry_handlers=retry_handlers(),
        )
        identity = await authenticate(client)
        yield SlackConnection(
            settings=settings,
            client=client,
            session=session,
            identity=identity,
            outbox=Outbox(client, session, retry_handlers=retry_handlers()),
        )
