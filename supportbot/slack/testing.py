"""Test helpers for the Slack adapter, shipped so plugin authors can use them too.

`FakeSlack` is Slack on 127.0.0.1 (Web API, response_url, Socket Mode WebSocket) recording what
the bot sends. `SlackSigner` signs requests exactly as Slack does, and the payload builders make
the real shapes of slash commands, events and clicks. `SlackSender` posts them, signed, to a
bot served in HTTP mode::

    async with FakeSlack.start() as slack, serve_bot_over_http(...) as url:
        async with SlackSender(url, signer) as sender:
            response_url = slack.new_response_url()
            ack = await sender.command("/merchant", "0812-3456-7890", response_url=response_url)
            await slack.wait_for(lambda: slack.responses_to(response_url))
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import aiohttp

from ._fake_payloads import (
    SlackSigner,
    app_home_opened_event,
    app_mention_event,
    block_actions,
    direct_message_event,
    event_callback,
    form_body,
    interactive_body,
    message_action,
    slash_command,
    text_value,
    view_submission,
)
from ._fake_slack import ApiCall, FakeSlack, ResponsePost, SocketAck, message_problem
from ._fake_views import view_problem

__all__ = [
    "ApiCall",
    "FakeSlack",
    "ResponsePost",
    "SentRequest",
    "SlackSender",
    "SlackSigner",
    "SocketAck",
    "app_home_opened_event",
    "app_mention_event",
    "block_actions",
    "direct_message_event",
    "event_callback",
    "form_body",
    "interactive_body",
    "message_action",
    "message_problem",
    "slash_command",
    "text_value",
    "view_problem",
    "view_submission",
]

FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class SentRequest:
    """What the bot answered to one signed request, and how long the answer took."""

    status: int
    text: str
    elapsed_s: float

    def json(self) -> Any:
        """The answer's body as JSON."""
        return json.loads(self.text)


class SlackSender:
    """Posts signed requests to `<base_url>/slack/events` the way Slack does."""

    def __init__(self, base_url: str, signer: SlackSigner, *, path: str = "/slack/events"):
        self.url = base_url.rstrip("/") + path
        self.signer = signer
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> SlackSender:
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def post(
        self,
        body: str | bytes,
        *,
        content_type: str,
        timestamp: int | None = None,
        retry_num: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> SentRequest:
        """Post `body` signed (or with the given `headers` instead, to test refusals)."""
        assert self._session is not None, "use `async with SlackSender(...)`"
        sent = dict(
            headers
            if headers is not None
            else self.signer.headers(
                body, content_type=content_type, timestamp=timestamp, retry_num=retry_num
            )
        )
        sent.setdefault("Content-Type", content_type)
        started = time.perf_counter()
        raw = body.encode() if isinstance(body, str) else body
        async with self._session.post(self.url, data=raw, headers=sent) as response:
            text = await response.text()
            return SentRequest(response.status, text, time.perf_counter() - started)

    async def command(
        self, command: str, text: str = "", *, retry_num: int | None = None, **fields: Any
    ) -> SentRequest:
        """A slash command; `fields` go to `slash_command` (response_url is required)."""
        return await self.post(
            form_body(slash_command(command, text, **fields)),
            content_type=FORM,
            retry_num=retry_num,
        )

    async def event(
        self, event: Mapping[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ) -> SentRequest:
        """An Events API delivery of `event`."""
        body = json.dumps(event_callback(event, event_id=event_id))
        return await self.post(body, content_type="application/json", retry_num=retry_num)

    async def click(self, payload: Mapping[str, Any]) -> SentRequest:
        """An interactivity delivery (`block_actions`, `view_submission`, `message_action`)."""
        return await self.post(interactive_body(payload), content_type=FORM)
