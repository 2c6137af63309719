"""HTTP mode's front door: what a request must be before anything reads its contents.

Anyone on the internet can post to `/slack/events`, so a request is checked in this order, and
refused at the first failure with a 4xx status and one WARNING line (never the body: it holds
the phone numbers typed and a `response_url` that lets its holder post to the channel):

1. a free slot: at most `max_open` requests are unfinished at once (503 beyond that);
2. the whole body within `body_timeout_s` (408) and at most `MAX_BODY_BYTES` (413);
3. Slack's signature over the raw bytes, with a numeric, fresh timestamp (401);
4. only then parsing: UTF-8, a JSON object or a form whose `payload` is one (400).

Bolt checks the signature again afterwards; that second check can no longer fail.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Callable

from aiohttp import web
from slack_bolt.request.async_request import AsyncBoltRequest

__all__ = [
    "BODY_TIMEOUT_S",
    "MAX_BODY_BYTES",
    "MAX_OPEN_REQUESTS",
    "FrontDoor",
    "Refusal",
    "refused",
]

log = logging.getLogger("supportbot.slack.http")

#: Slack's payloads are small; anything bigger than this is not from Slack.
MAX_BODY_BYTES = 1024 * 1024
#: Slack sends a whole body at once; a client that trickles it is holding a slot.
BODY_TIMEOUT_S = 5.0
#: Requests read or run at once; more are refused (Slack retries what it sent).
MAX_OPEN_REQUESTS = 64

#: How old a signed request may be (Slack's own advice: five minutes), against replays.
MAX_AGE_S = 5 * 60
_TIMESTAMP = re.compile(r"[0-9]{1,12}", re.ASCII)
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}", re.ASCII)


class Refusal(Exception):
    """Why a request was turned away: the status sent, and the reason logged."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason

    def response(self) -> web.Response:
        """The short plain-text answer (the reason, which names nothing the client sent)."""
        return web.Response(status=self.status, text=self.reason + "\n")


class FrontDoor:
    """Admits signed, well-formed requests; see the module docstring for the checks."""

    def __init__(
        self,
        signing_secret: str,
        *,
        body_timeout_s: float = BODY_TIMEOUT_S,
        max_open: int = MAX_OPEN_REQUESTS,
        max_body_bytes: int = MAX_BODY_BYTES,
        clock: Callable[[], float] = time.time,
    ) -> None:
        # Computed here over the raw bytes: slack_sdk's verifier decodes the body as UTF-8
        # first, which raises on bytes that are not.
        self._secret = signing_secret.encode()
        self._clock = clock
        self._body_timeout_s = body_timeout_s
        self._max_open = max_open
        self._max_body_bytes = max_body_bytes
        self.open = 0

    def enter(self) -> None:
        """Take a slot, or raise Refusal(503) when every slot is taken."""
        if self.open >= self._max_open:
            raise Refusal(503, "too many unfinished requests")
        self.open += 1

    def leave(self) -> None:
        """Give the slot back."""
        self.open -= 1

    async def admit(self, request: web.Request) -> AsyncBoltRequest:
        """The request as Bolt takes it, once every check passed; Refusal otherwise."""
        declared = request.content_length
        if declared is not None and declared > self._max_body_bytes:
            raise Refusal(413, "request body too large")
        try:
            async with asyncio.timeout(self._body_timeout_s):
                raw = await request.read()
        except TimeoutError:
            raise Refusal(408, "request body not received in time") from None
        except web.HTTPRequestEntityTooLarge:
            raise Refusal(413, "request body too large") from None
        self._verify(raw, request)
        return _parse(raw, request)

    def _verify(self, raw: bytes, request: web.Request) -> None:
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(signature):
            raise Refusal(401, "missing or malformed Slack signature headers")
        if abs(self._clock() - int(timestamp)) > MAX_AGE_S:
            raise Refusal(401, "stale Slack request timestamp")
        base = b"v0:" + timestamp.encode() + b":" + raw
        expected = "v0=" + hmac.new(self._secret, base, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            raise Refusal(401, "invalid Slack signature")


def _parse(raw: bytes, request: web.Request) -> AsyncBoltRequest:
    charset = (request.charset or "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise Refusal(400, "request charset is not UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(400, "request body is not UTF-8") from None
    if "\x00" in text:
        raise Refusal(400, "request body holds a NUL character")
    try:
        bolt_request = AsyncBoltRequest(
            body=text,
            query=request.query_string,
            headers=dict(request.headers),
        )
    except (ValueError, TypeError, AttributeError):  # json.JSONDecodeError is a ValueError
        raise Refusal(400, "request body is neither a JSON object nor a Slack form") from None
    if not isinstance(bolt_request.body, dict):
        raise Refusal(400, "request body is neither a JSON object nor a Slack form")
    if "payload" in bolt_request.body and not _json_object(bolt_request.body["payload"]):
        raise Refusal(400, "request payload is not a JSON object")
    return bolt_request


def _json_object(value: object) -> bool:
    if isinstance(value, dict):
        return True
    if not isinstance(value, str):
        return False
    try:
        return isinstance(json.loads(value), dict)
    except ValueError:
        return False


def refused(refusal: Refusal, request: web.Request) -> web.Response:
    """Log one WARNING line naming the peer and the reason (no body, no traceback)."""
    log.warning(
        "refused a request to %s from %s: %s (%d)",
        request.path,
        request.remote or "unknown",
        refusal.reason,
        refusal.status,
    )
    return refusal.response()
