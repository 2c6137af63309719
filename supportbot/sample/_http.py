"""What the sample services' handlers share: JSON answers, refusals, reading what clients sent.

Input is never trusted. Ids are looked up, not parsed; whatever a client sent is echoed back
shortened and with control characters replaced (`shown`); a body is read once, bounded by the
app's size limit, and must be a JSON object (`read_json_object`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from typing import Any, Literal, overload

from aiohttp import web

from ._ledger import Answer, Fingerprint, IdempotencyConflict, Ledger, Operation

__all__ = [
    "Refused",
    "answer_once",
    "error",
    "has_control_chars",
    "idempotency_key",
    "json_response",
    "read_json_object",
    "rupiah",
    "shown",
]

_IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as HTTP headers carry


class Refused(Exception):
    """The request is answered with `status` and ``{"error": message}`` (raised by a handler)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def json_response(payload: Any, status: int = 200) -> web.Response:
    """`payload` as a UTF-8 JSON response."""
    # Readable UTF-8 for names like "Toko Emas 金龙"; a lone surrogate smuggled in through a
    # percent-encoded URL cannot be UTF-8, so it goes out as a JSON \\u escape instead of a 500.
    text = json.dumps(payload, ensure_ascii=False)
    return web.Response(
        body=text.encode("utf-8", "backslashreplace"),
        status=status,
        content_type="application/json",
        charset="utf-8",
    )


def error(status: int, message: str) -> web.Response:
    """The JSON error every service answers with: ``{"error": message}``."""
    return json_response({"error": message}, status)


def shown(value: str, limit: int = 60) -> str:
    """Client input as it may appear in an error: short, printable."""
    cleaned = "".join(c if unicodedata.category(c)[0] != "C" else "?" for c in value[: limit + 1])
    return cleaned if len(cleaned) <= limit else cleaned[:limit] + "…"


def has_control_chars(value: str) -> bool:
    """Whether `value` holds a control character or a lone surrogate (never meant as text)."""
    return any(unicodedata.category(c) in ("Cc", "Cs") for c in value)


def rupiah(amount: int) -> str:
    """``Rp 150.000``, as Indonesians write amounts."""
    return "Rp " + f"{amount:,}".replace(",", ".")


@overload
def idempotency_key(request: web.Request, *, required: Literal[True], action: str) -> str: ...
@overload
def idempotency_key(request: web.Request, *, required: bool, action: str) -> str | None: ...
def idempotency_key(request: web.Request, *, required: bool, action: str) -> str | None:
    """The request's ``Idempotency-Key`` header; refused (400) when malformed, or missing and
    `required`. `action` names what the key protects, for the message: "each refund".
    """
    key = request.headers.get("Idempotency-Key")
    if key is None:
        if required:
            raise Refused(
                400,
                f"an Idempotency-Key header is required: send a new unique key for {action} "
                "and the same key again only to retry it",
            )
        return None
    if not _IDEMPOTENCY_KEY.fullmatch(key):
        raise Refused(400, "Idempotency-Key must be 1 to 255 visible ASCII characters")
    return key


async def read_json_object(request: web.Request, *, example: str, optional: bool) -> dict[str, Any]:
    """The body as a JSON object; an empty body is ``{}`` when `optional`. Refused (400) when it
    is not a JSON object, like `example`; 413 (from aiohttp) over the app's size limit.
    """
    body = await request.read()
    if not body.strip():
        if optional:
            return {}
        raise Refused(400, f"send a JSON body, like {example}")
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: "[[[[..." nested thousands deep
        raise Refused(400, f"the body must be JSON, like {example}") from None
    if not isinstance(payload, dict):
        raise Refused(400, f"the body must be a JSON object, like {example}")
    return payload


def answer_once(
    ledger: Ledger,
    operation: Operation,
    key: str | None,
    request: Fingerprint,
    perform: Callable[[], Answer],
    *,
    status: int,
    conflict_status: int,
) -> web.Response:
    """Perform `request` at most once per key (see `Ledger.once`) and answer it.

    A replay answers the first answer with ``"replayed": true``; a key reused for another
    request is refused with `conflict_status`; a refusal raised by `perform` passes through.
    """
    try:
        answer, replayed = ledger.once(operation, key, request, perform)
    except IdempotencyConflict as exc:
        raise Refused(conflict_status, conflict_message(exc)) from None
    return json_response({**answer, "replayed": replayed}, status)


def conflict_message(conflict: IdempotencyConflict) -> str:
    """What a client reusing a key for another request reads: what the key was first used for."""
    first = conflict.first
    asked = ", ".join(
        f"{name} {shown(str(value), 40)}" for name, value in first.asked if value is not None
    )
    return (
        f"this Idempotency-Key was already used for a {conflict.operation} of "
        f"{shown(first.target)}" + (f" ({asked})" if asked else "") + "; use a new key for a "
        "different request"
    )
