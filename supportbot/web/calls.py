"""`POST /calls/events`: incoming contacts from a phone or chat system announce themselves.

A signed webhook for a new contact opens an interaction for the caller's number (as the agent
on duty, or the phone system itself) and posts the caller's card where the team sees it; later
events of the same contact mark when it was answered and log its duration. What the webhook
says and how it is signed: `supportbot.record.calls`.

Bad or unsigned requests get 400 or 401 and change nothing; a failure on our side is a 503
(the sender retries), never a 500.
"""

from __future__ import annotations

import logging
import shlex
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

from supportbot.core.masking import mask_reply
from supportbot.core.message import Message, User
from supportbot.core.reply import Reply
from supportbot.core.settings import kpi_settings
from supportbot.dispatch.bot import Bot
from supportbot.record.calls import (
    IncomingContact,
    WebhookRefused,
    note_status,
    parse_contact,
    verify_signature,
)
from supportbot.record.sla import SlaClock

__all__ = [
    "CALLS_PATH",
    "PHONE_SYSTEM",
    "CardPoster",
    "CallsEndpoint",
    "LogCardPoster",
    "calls_app",
    "serve_calls",
]

log = logging.getLogger("supportbot.calls")

CALLS_PATH = "/calls/events"
#: Who opens an interaction when no agent on duty is configured.
PHONE_SYSTEM = User(id="phone-system", name="phone system")
MAX_BODY_BYTES = 64 * 1024

#: Posts a caller's card where the team sees it (the Slack adapter lends one).
CardPoster = Callable[[Reply], Awaitable[None]]


class LogCardPoster:
    """Without Slack: the card goes to the log (and the terminal's console), masked."""

    def __init__(self, region: str = "ID", echo: Callable[[str], None] | None = None) -> None:
        self.region = region
        self.echo = echo

    async def __call__(self, card: Reply) -> None:
        """Write the card's title and first line."""
        masked = mask_reply(card, self.region)
        line = f"incoming contact: {masked.title or ''} {masked.text or ''}".strip()
        log.info("%s", line)
        if self.echo is not None:
            self.echo(line)


@dataclass
class CallsEndpoint:
    """The webhook's handler: `secret` checks signatures, `poster` shows the card, `agent` is
    who the interaction is opened for. `public_url` is the URL the sender calls (Twilio signs
    it; behind a proxy it differs from what this process sees)."""

    bot: Bot
    secret: str
    poster: CardPoster
    agent: User = PHONE_SYSTEM
    public_url: str | None = None

    async def handle(self, request: web.Request) -> web.Response:
        """Verify, parse, act; 200 with what was done, 400/401 refused, 503 on our failure."""
        try:
            body = await request.content.read(MAX_BODY_BYTES + 1)
            if len(body) > MAX_BODY_BYTES:
                raise WebhookRefused(400, "the body is too large for a contact event")
            url = self.public_url or str(request.url)
            verify_signature(self.secret, request.headers, body, url)
            contact = parse_contact(
                request.headers.get("Content-Type", ""), body, self.bot.settings.phone_region
            )
        except WebhookRefused as refused:
            log.warning("calls webhook refused (%d): %s", refused.status, refused.reason)
            return web.json_response({"ok": False, "error": refused.reason}, status=refused.status)
        try:
            return await self._act(contact)
        except Exception:
            log.exception("calls webhook: could not act on %s", contact.external_id)
            return web.json_response(
                {"ok": False, "error": "the bot could not record this contact; retry later"},
                status=503,
                headers={"Retry-After": "5"},
            )

    async def _act(self, contact: IncomingContact) -> web.Response:
        store = self.bot.store
        if store is None:
            raise RuntimeError("the calls webhook needs the bot's database")
        known = await store.record.interaction_by_external_id(contact.external_id)
        if known is None and contact.started:
            text = (
                f"/log {shlex.quote(contact.phone)} --channel {contact.channel} "
                f"--call-id {shlex.quote(contact.external_id)}"
            )
            card = await self.bot.handle(Message(text=text, user=self.agent, adapter="calls"))
            await self.poster(card)
            opened = await store.record.interaction_by_external_id(contact.external_id)
            ref = opened.ref if opened is not None else None
            return web.json_response({"ok": True, "interaction": ref, "posted": True})
        clock = SlaClock.of(kpi_settings(self.bot.settings))
        found = await note_status(store, contact, by=self.agent.id, clock=clock)
        return web.json_response(
            {"ok": True, "interaction": found.ref if found else None, "posted": False}
        )


def calls_app(endpoint: CallsEndpoint) -> web.Application:
    """A small aiohttp app serving the webhook (the Slack HTTP app can mount the same handler)."""
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.router.add_post(CALLS_PATH, endpoint.handle)
    return app


@asynccontextmanager
async def serve_calls(
    endpoint: CallsEndpoint, *, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[str]:
    """Serve the webhook on host:port (0: a free port) until the block ends; yields its URL."""
    runner = web.AppRunner(calls_app(endpoint), access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_host, bound_port = runner.addresses[0][:2]
        yield f"http://{bound_host}:{bound_port}{CALLS_PATH}"
    finally:
        await runner.cleanup()
