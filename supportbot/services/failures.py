"""What the outcome of one exchange with a service means: the error taxonomy.

Every way a call can fail has its own `ServiceError` subclass, a machine-readable `kind` (stored
in the audit record, counted in the metrics) and a sentence for weekend staff:

=============  =====================  ==================================================
kind           when                   what the user reads
=============  =====================  ==================================================
timeout        no answer in time      billing did not answer in 3 s
refused        nothing listens        billing could not be reached (connection refused…)
unavailable    DNS, reset, TLS        billing could not be reached
auth           401, 403               billing refused our credentials (HTTP 401); …
not_found      404 (an answer)        billing has no record of it
rate_limited   429 (Retry-After)      billing is rate limiting us (HTTP 429); try again in 30 s
server_error   5xx                    billing failed (HTTP 503)
http_error     any other status       billing answered HTTP 418
bad_json       2xx, not JSON          billing answered in an unexpected shape (not JSON)
bad_response   too large, wrong shape billing answered in an unexpected shape
error          we could not send it   billing could not be asked: the bot built an invalid…
=============  =====================  ==================================================

The policy adds two of its own, for calls it does not send: circuit_open ("billing is failing,
not tried") and busy (see `supportbot.services.guard`).
"""

from __future__ import annotations

import dataclasses
import errno
import functools
import json
from typing import Any

import httpx
from pydantic import TypeAdapter, ValidationError

from supportbot.core.errors import (
    ServiceAuthError,
    ServiceBadJSON,
    ServiceBadResponse,
    ServiceError,
    ServiceHTTPError,
    ServiceNotFound,
    ServiceRateLimited,
    ServiceRefused,
    ServiceServerError,
    ServiceTimeout,
    ServiceUnavailable,
)

from . import wording as messages
from .results import ServiceResult, shown_seconds
from .retry import parse_retry_after

__all__ = [
    "TooLarge",
    "UnsafePathError",
    "classify_answer",
    "timeout_error",
    "transport_error",
    "validate_answer",
]

_SNIPPET = 200


def classify_answer(
    name: str, status: int, body: bytes, headers: httpx.Headers
) -> tuple[Any, ServiceError | None]:
    """The parsed body of an answer, or the error its status stands for (a 404 included)."""
    if 200 <= status < 300:
        if status == 204 or not body.strip():
            return None, None
        try:
            return json.loads(body), None
        except (ValueError, RecursionError):
            return None, ServiceBadJSON(
                name,
                f"HTTP {status} body is not JSON: {_snippet(body)}",
                user_message=messages.service_bad_json(name),
            )
    detail = f"HTTP {status}: {_snippet(body)}"
    if status == 404:
        return None, ServiceNotFound(name, detail, user_message=messages.service_not_found(name))
    wording = messages.service_http_error(name, status)
    if 400 <= status < 500 and status not in (401, 403, 429):
        # A refusal usually says why ({"error": "..."}): keep it for the command to show.
        return None, ServiceHTTPError(
            name, status, detail, user_message=wording, payload=_json_or_none(body)
        )
    if status in (401, 403):
        return None, ServiceAuthError(name, status, detail, user_message=wording)
    if status == 429:
        retry_after = parse_retry_after(headers.get("retry-after"))
        return None, ServiceRateLimited(
            name,
            status,
            detail,
            retry_after=retry_after,
            user_message=messages.service_rate_limited(name, retry_after),
        )
    if status >= 500:
        return None, ServiceServerError(name, status, detail, user_message=wording)
    return None, ServiceHTTPError(name, status, detail, user_message=wording)


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body) if body.strip() else None
    except (ValueError, RecursionError):
        return None


def validate_answer(
    name: str, model: Any, data: Any, status: int
) -> tuple[Any, ServiceError | None]:
    """`data` validated as `model`, or a ServiceBadResponse naming where and what (no values)."""
    try:
        return _adapter(model).validate_python(data), None
    except ValidationError as exc:
        # Only where and what, never the values: they may be a customer's data.
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}"
            for e in exc.errors(include_url=False, include_input=False)[:5]
        )
        return None, ServiceBadResponse(
            name,
            f"HTTP {status} body is not a {_type_name(model)}: {problems}",
            user_message=messages.service_bad_response(name),
        )


def timeout_error(name: str, exc: BaseException, timeout: float) -> ServiceError:
    """No answer within `timeout` seconds."""
    error = ServiceTimeout(
        name,
        f"no answer within {timeout:g} s ({type(exc).__name__})",
        user_message=messages.service_timeout(name, shown_seconds(timeout)),
    )
    error.__cause__ = exc
    return error


def timed_out_after_tries(
    result: ServiceResult[Any], tries: int, waited_s: float
) -> ServiceResult[Any]:
    """`result`, its timeout worded with the real wait when it took several tries: "billing did
    not answer in 9.1 s (3 tries of 3 s)" instead of the 3 s of the last one."""
    error = result.error
    if tries < 2 or not isinstance(error, ServiceTimeout):
        return result
    retold = ServiceTimeout(
        error.service,
        f"{str(error).partition(': ')[2]} after {tries} tries in {waited_s:.1f} s",
        user_message=messages.service_timeout_after_tries(
            error.service, shown_seconds(waited_s), tries
        ),
    )
    retold.__cause__ = error.__cause__
    return dataclasses.replace(result, error=retold)


def transport_error(name: str, exc: Exception) -> ServiceError | None:
    """The error a failed exchange stands for; None for an exception that is a bug."""
    # What the transport really saw (aiohttp's error behind the httpx one it was mapped to).
    seen = exc.__cause__ if isinstance(exc, httpx.TransportError) and exc.__cause__ else exc
    detail = f"{type(seen).__name__}: {seen}"
    error: ServiceError
    if isinstance(exc, TooLarge | httpx.DecodingError):
        error = ServiceBadResponse(
            name,
            f"unreadable answer: {detail}",
            user_message=messages.service_bad_response(name),
        )
    elif isinstance(
        exc,
        UnsafePathError
        | UnicodeError
        | httpx.InvalidURL
        | httpx.LocalProtocolError
        | httpx.UnsupportedProtocol,
    ):
        # What we were asked to send cannot be sent (a lone surrogate, CR/LF in a header...).
        error = ServiceError(
            name,
            f"invalid request: {detail}",
            user_message=messages.service_request_invalid(name),
        )
    elif isinstance(exc, httpx.HTTPError) and _refused(exc):
        error = ServiceRefused(
            name, f"connection refused: {detail}", user_message=messages.service_refused(name)
        )
    elif isinstance(exc, httpx.HTTPError):
        # Reset, DNS, TLS, closed without an answer.
        error = ServiceUnavailable(
            name, f"unreachable: {detail}", user_message=messages.service_unreachable(name)
        )
    else:
        return None
    error.__cause__ = exc
    return error


class UnsafePathError(ValueError):
    """A request path that could name another endpoint than the one the command meant."""


class TooLarge(Exception):
    """The answer is bigger than the client accepts."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"HTTP {status} body too large: {detail}")
        self.status = status


def _snippet(body: bytes) -> str:
    text = body[:_SNIPPET].decode("utf-8", "replace")
    return repr(text + ("…" if len(body) > _SNIPPET else ""))


def _refused(exc: BaseException) -> bool:
    """Whether a connection failure was a refusal (nothing listens), not DNS or a reset."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ConnectionRefusedError):
            return True
        if isinstance(current, OSError) and current.errno == errno.ECONNREFUSED:
            return True
        current = current.__cause__ or current.__context__
    return False


def _adapter(model: Any) -> TypeAdapter[Any]:
    try:
        return _cached_adapter(model)
    except TypeError:  # an unhashable type (an Annotated with a dict, say): build it each time
        return TypeAdapter(model)


@functools.lru_cache(maxsize=256)
def _cached_adapter(model: Any) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def _type_name(model: Any) -> str:
    return getattr(model, "__name__", None) or str(model)
