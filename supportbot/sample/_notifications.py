"""The notifications service: send one message to a merchant by email or SMS, at most once per
idempotency key, and list what was sent (so tests can count every send).

``POST /notifications`` with ``{"merchant_id", "channel": "email"|"sms", "to", "subject"?,
"text"}`` and a required ``Idempotency-Key`` → 202 ``{"notification_id", "merchant_id",
"channel", "to", "at", "replayed"}``; the same key again → the first answer with ``"replayed":
true`` and nothing sent; the same key with another merchant, channel or address → 422.
``GET /notifications`` (``?merchant_id=`` to filter) → ``{"notifications": [...]}``, oldest first.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from ._http import Refused, idempotency_key, json_response, read_json_object
from ._ledger import IdempotencyConflictText, Ledger
from ._records import SampleData
from ._resends import EMAIL

__all__ = ["add_notification_routes"]

_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
MAX_TEXT = 4000
_EXAMPLE = '{"merchant_id": "M-10001", "channel": "sms", "to": "+6281234567890", "text": "..."}'


def _wanted(payload: dict[str, Any]) -> dict[str, Any]:
    merchant_id, channel = payload.get("merchant_id"), payload.get("channel")
    to, text, subject = payload.get("to"), payload.get("text"), payload.get("subject")
    if not isinstance(merchant_id, str) or not re.fullmatch(r"M-[0-9]{5}", merchant_id):
        raise Refused(422, '"merchant_id" must be a merchant id like M-10001')
    if channel not in ("email", "sms"):
        raise Refused(422, '"channel" must be "email" or "sms"')
    if not isinstance(to, str) or not (
        EMAIL.fullmatch(to) if channel == "email" else _E164.fullmatch(to)
    ):
        kind = "an email address" if channel == "email" else "an E.164 phone number"
        raise Refused(422, f'"to" must be {kind} for {channel}')
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        raise Refused(422, f'"text" must be 1 to {MAX_TEXT} characters')
    if subject is not None and (not isinstance(subject, str) or len(subject) > 200):
        raise Refused(422, '"subject" must be text of at most 200 characters')
    return {
        "merchant_id": merchant_id,
        "channel": channel,
        "to": to,
        "text": text,
        "subject": subject,
    }


def add_notification_routes(router: web.UrlDispatcher, data: SampleData, ledger: Ledger) -> None:
    """``POST /notifications`` and ``GET /notifications``."""
    log = ledger.notifications

    async def send(request: web.Request) -> web.Response:
        key = idempotency_key(request, required=True, action="each notification")
        payload = await read_json_object(request, example=_EXAMPLE, optional=False)
        try:
            answer, replayed = log.send_once(key, _wanted(payload))
        except IdempotencyConflictText as conflict:
            raise Refused(422, str(conflict)) from None
        return json_response({**answer, "replayed": replayed}, 202)

    async def listing(request: web.Request) -> web.Response:
        merchant_id = request.query.get("merchant_id")
        return json_response({"notifications": log.of(merchant_id)})

    router.add_post("/notifications", send)
    router.add_get("/notifications", listing)
