"""Incoming contacts from a phone or chat system: what a webhook says, whether it is signed, and
what it changes on the record once the contact is known.

Two payloads are understood:

- Twilio-style form fields: `From`, `CallSid`, `CallStatus` (ringing, in-progress, completed,
  busy, no-answer, failed, canceled), `CallDuration` (seconds);
- JSON: `{"from": "+62...", "call_id": "c-1", "status": "ringing|answered|completed",
  "duration_s": 42, "channel": "call"}`.

Two signatures are accepted, both keyed by the shared secret:

- `X-Supportbot-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">` with
  `X-Supportbot-Timestamp` (Unix seconds, at most 5 minutes off), for any system;
- `X-Twilio-Signature`: Twilio's own (base64 HMAC-SHA1 of the URL and the sorted form fields).

Anything else is refused (`WebhookRefused`, 400 or 401) before it is read further.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from supportbot.core.argtypes import PhoneNumber
from supportbot.storage import Interaction, Store

from .sla import SlaClock

__all__ = [
    "IncomingContact",
    "WebhookRefused",
    "note_status",
    "parse_contact",
    "sign",
    "verify_signature",
]

#: How far a signed timestamp may be from now (replays of old requests are refused).
MAX_SKEW_S = 300
MAX_BODY = 64 * 1024
_STARTED = {"ringing", "initiated", "queued", "started", "new"}
_ANSWERED = {"in-progress", "answered"}
_ENDED = {"completed", "busy", "no-answer", "failed", "canceled", "ended"}


class WebhookRefused(Exception):
    """The request is not one to act on: `status` 400 (malformed) or 401 (not signed by us)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class IncomingContact:
    """One webhook's news: who (E.164), which contact, what happened to it."""

    phone: str
    external_id: str
    status: str
    channel: str = "call"
    duration_s: float | None = None

    @property
    def started(self) -> bool:
        """A new contact (ringing): open an interaction, post the card."""
        return self.status in _STARTED

    @property
    def answered(self) -> bool:
        """Someone picked up: the interaction's first reply."""
        return self.status in _ANSWERED

    @property
    def ended(self) -> bool:
        """The contact is over: its duration is known."""
        return self.status in _ENDED


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The `X-Supportbot-Signature` of `body` sent at `timestamp` (what a sender computes)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + digest.hexdigest()


def twilio_signature(secret: str, url: str, form: Mapping[str, str]) -> str:
    """Twilio's signature of a form POST to `url`."""
    data = url + "".join(f"{key}{form[key]}" for key in sorted(form))
    digest = hmac.new(secret.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def verify_signature(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    url: str,
    *,
    now: float | None = None,
) -> None:
    """Return if `body` is signed with `secret`; WebhookRefused(401) otherwise."""
    if not secret:
        raise WebhookRefused(401, "no shared secret is configured, so nothing is accepted")
    given = headers.get("X-Supportbot-Signature")
    if given:
        stamp = headers.get("X-Supportbot-Timestamp", "")
        if not stamp.isdigit() or abs((now or time.time()) - int(stamp)) > MAX_SKEW_S:
            raise WebhookRefused(401, "the timestamp is missing or more than 5 minutes off")
        if not hmac.compare_digest(given.strip(), sign(secret, body, int(stamp))):
            raise WebhookRefused(401, "the signature does not match")
        return
    twilio = headers.get("X-Twilio-Signature")
    if twilio:
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        if not hmac.compare_digest(twilio.strip(), twilio_signature(secret, url, form)):
            raise WebhookRefused(401, "the Twilio signature does not match")
        return
    raise WebhookRefused(401, "the request is not signed")


def _text(fields: Mapping[str, object], *names: str) -> str:
    for name in names:
        value = fields.get(name)
        if value is not None and str(value).strip():
            return str(value).strip()[:200]
    return ""


def parse_contact(content_type: str, body: bytes, region: str = "ID") -> IncomingContact:
    """The contact a (verified) webhook body describes; WebhookRefused(400) when it is not one."""
    if len(body) > MAX_BODY:
        raise WebhookRefused(400, "the body is too large for a contact event")
    fields: Mapping[str, object]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise WebhookRefused(400, "the body is not UTF-8") from None
    if "json" in content_type:
        try:
            loaded = json.loads(text)
        except ValueError:
            raise WebhookRefused(400, "the body is not JSON") from None
        if not isinstance(loaded, dict):
            raise WebhookRefused(400, "the JSON body is not an object")
        fields = loaded
    else:
        fields = dict(parse_qsl(text, keep_blank_values=True))
    raw_phone = _text(fields, "From", "from", "phone")
    external_id = _text(fields, "CallSid", "call_id", "id")
    status = _text(fields, "CallStatus", "status").lower() or "ringing"
    if not raw_phone or not external_id:
        raise WebhookRefused(400, "From (or from) and CallSid (or call_id) are required")
    try:
        phone = PhoneNumber.parse(raw_phone, region).e164
    except ValueError:
        raise WebhookRefused(400, "From is not a phone number") from None
    if status not in _STARTED | _ANSWERED | _ENDED:
        raise WebhookRefused(400, f"unknown status {status[:30]!r}")
    duration_text = _text(fields, "CallDuration", "duration_s", "duration")
    duration: float | None = None
    if duration_text:
        try:
            duration = float(duration_text)
        except ValueError:
            raise WebhookRefused(400, "CallDuration is not a number of seconds") from None
        if not 0 <= duration < 7 * 86_400:
            raise WebhookRefused(400, "CallDuration is out of range")
    channel = _text(fields, "channel") or "call"
    if channel not in ("call", "chat", "email", "other"):
        raise WebhookRefused(400, "channel must be call, chat, email or other")
    return IncomingContact(phone, external_id, status, channel, duration)


async def note_status(
    store: Store, contact: IncomingContact, *, by: str, clock: SlaClock | None = None
) -> Interaction | None:
    """A later event of a known contact: answered marks its first reply; ended logs its duration
    (and closes it when nobody but the phone system holds it), with the SLA clocks of `clock`.
    None when it is not known."""
    found = await store.record.interaction_by_external_id(contact.external_id)
    if found is None:
        return None
    now = datetime.now(UTC)
    values: dict[str, object] = {}
    if contact.answered and found.first_reply_at is None:
        values["first_reply_at"] = now
        if clock is not None:
            values.update(clock.on_first_reply(found, now))
    if contact.ended:
        if contact.duration_s is not None:
            values["duration_s"] = contact.duration_s
        if found.closed_at is None and found.agent_id == by:
            values.update(
                closed_at=now,
                closed_by=by,
                outcome="abandoned"
                if not found.first_reply_at and not contact.duration_s
                else "resolved",
            )
            if clock is not None:
                reply_at = values.get("first_reply_at", found.first_reply_at)
                current = replace(found, first_reply_at=reply_at)  # type: ignore[arg-type]
                values.update(clock.on_close(current, now))
    if values:
        await store.record.update_interaction(found.ref, **values)
    return found
