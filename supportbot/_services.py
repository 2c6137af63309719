"""Clients for the internal HTTP services a command calls as `ctx.services.<name>`.

::

    profile, billing = await ctx.gather(
        ctx.services.merchants.get(f"/merchants/{mid}"),
        ctx.services.billing.get(f"/accounts/{mid}"),
    )
    if profile.ok: ...                     # profile.data is the parsed JSON
    elif profile.not_found: ...            # HTTP 404
    else: profile.error.user_message       # "billing did not answer in 3 s"

`client.get(...)` only describes a request (a `ServiceCall`); awaiting it sends it and gives a
`ServiceResult`, never an exception for an HTTP or network problem. Every request of a client
passes through `ServiceClient.execute`, the place for retries, circuit breakers and metrics.

Tests and the plugin harness fake services with `Services(settings, transport=...)`: any
`httpx.AsyncBaseTransport`, usually an `httpx.MockTransport`, then answers every request.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Generator, Iterator, Mapping
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from . import _messages as messages
from ._errors import (
    ServiceBadResponse,
    ServiceError,
    ServiceHTTPError,
    ServiceNotFound,
    ServiceTimeout,
    ServiceUnavailable,
)
from ._gather import ServiceResult, gather
from ._settings import ServiceSettings

__all__ = [
    "MAX_RESPONSE_BYTES",
    "ServiceCall",
    "ServiceClient",
    "ServiceResult",
    "Services",
    "UnknownServiceError",
    "UnsafePathError",
    "encode_path",
    "gather",
]

log = logging.getLogger("supportbot.services")

#: Larger answers are refused (ServiceBadResponse) after reading at most this many bytes.
MAX_RESPONSE_BYTES = 5 * 1024 * 1024
# Keep-alive shorter than common server idle timeouts (uvicorn: 5 s) so that a pooled connection
# is not reused just as the server closes it.
LIMITS = httpx.Limits(max_connections=50, max_keepalive_connections=20, keepalive_expiry=4.0)
# Characters left as they are inside one path segment: RFC 3986 `pchar` without `%`, so a `%`
# typed by a user is sent as text (%25), never as an escape.
_SEGMENT_SAFE = "!$&'()*+,;=:@"
_SNIPPET = 200

Params = Mapping[str, Any]


class UnknownServiceError(AttributeError, KeyError):
    """A command asked for a service the configuration does not name."""

    def __str__(self) -> str:  # KeyError would show the message quoted
        return str(self.args[0]) if self.args else ""


class ServiceCall:
    """One request to one service, described but not sent. Awaiting it sends it.

    Awaiting never raises for HTTP or network problems; it returns a `ServiceResult`. Each await
    sends the request again, so an unawaited call costs nothing and a retry is another await.
    """

    __slots__ = ("client", "method", "path", "params", "json", "headers")

    def __init__(
        self,
        client: ServiceClient,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.client = client
        self.method = method
        self.path = path
        self.params = params
        self.json = json
        self.headers = headers

    @property
    def service(self) -> str:
        """The name of the service this call goes to."""
        return self.client.name

    def __await__(self) -> Generator[Any, None, ServiceResult[Any]]:
        return self.client.execute(self).__await__()

    def __repr__(self) -> str:
        return f"<ServiceCall {self.service} {self.method} {self.path[:80]}>"


class ServiceClient:
    """The client of one configured service: one pooled `httpx.AsyncClient`, reused by every call.

    `path` arguments are literal text: each character that is not plain in a URL path (including
    `?`, `#`, `%`, spaces and non-ASCII) is percent-encoded, and a path with a `.` or `..`
    segment is never sent (the result is a failed one). `params` become the query string.
    """

    def __init__(
        self,
        name: str,
        settings: ServiceSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self.name = name
        self.settings = settings
        self.max_response_bytes = max_response_bytes
        self._base = httpx.URL(settings.base_url)
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(settings.timeout_s),
            limits=LIMITS,
            headers={"User-Agent": _user_agent()},
            transport=transport,
            follow_redirects=False,
        )

    def get(
        self, path: str, *, params: Params | None = None, headers: Mapping[str, str] | None = None
    ) -> ServiceCall:
        """A GET of `path` (relative to the service's base_url)."""
        return ServiceCall(self, "GET", path, params=params, headers=headers)

    def post(
        self,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> ServiceCall:
        """A POST of `path`, with `json` as the body."""
        return ServiceCall(self, "POST", path, params=params, json=json, headers=headers)

    def put(
        self,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> ServiceCall:
        """A PUT of `path`, with `json` as the body."""
        return ServiceCall(self, "PUT", path, params=params, json=json, headers=headers)

    def delete(
        self,
        path: str,
        *,
        params: Params | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> ServiceCall:
        """A DELETE of `path`."""
        return ServiceCall(self, "DELETE", path, params=params, json=json, headers=headers)

    async def execute(self, call: ServiceCall) -> ServiceResult[Any]:
        """Send `call` and classify what came back. Every request of this client passes here.

        Resilience (retries, circuit breaker, metrics) belongs in a layer around this method.
        """
        started = time.perf_counter()
        status: int | None = None
        data: Any = None
        error: ServiceError | None
        try:
            request = self._build(call)
            async with asyncio.timeout(self.settings.timeout_s):
                status, body = await self._send(request)
            data, error = self._classify(status, body)
        except (httpx.TimeoutException, TimeoutError) as exc:
            error = self._timeout(exc)
        except Exception as exc:
            error = self._transport_error(exc)
            if error is None:
                raise  # a bug, not a service problem
            status = exc.status if isinstance(exc, _TooLarge) else status
        result: ServiceResult[Any] = ServiceResult(
            service=self.name,
            data=data,
            status=status,
            error=error,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            method=call.method,
            path=call.path,
        )
        _log(result)
        return result

    def _build(self, call: ServiceCall) -> httpx.Request:
        headers = httpx.Headers()
        auth = self.settings.auth_value()  # read now, so a rotated credential is picked up
        if auth:
            headers[self.settings.auth_header] = auth
        headers.update(call.headers or {})
        raw_path = self._base.raw_path.rstrip(b"/") + encode_path(call.path).encode("ascii")
        url = self._base.copy_with(raw_path=raw_path)
        return self._http.build_request(
            call.method, url, params=call.params, json=call.json, headers=headers
        )

    async def _send(self, request: httpx.Request) -> tuple[int, bytes]:
        """The exchange itself: status and body, the body read up to `max_response_bytes`."""
        response = await self._http.send(request, stream=True)
        try:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_response_bytes:
                raise _TooLarge(response.status_code, f"{declared} bytes announced")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():  # decoded, so a gzip bomb stops too
                size += len(chunk)
                if size > self.max_response_bytes:
                    raise _TooLarge(response.status_code, f"over {self.max_response_bytes} bytes")
                chunks.append(chunk)
            return response.status_code, b"".join(chunks)
        finally:
            await response.aclose()

    def _classify(self, status: int, body: bytes) -> tuple[Any, ServiceError | None]:
        name = self.name
        if 200 <= status < 300:
            if status == 204 or not body.strip():
                return None, None
            try:
                return json.loads(body), None
            except (ValueError, RecursionError):
                return None, ServiceBadResponse(
                    name,
                    f"HTTP {status} body is not JSON: {_snippet(body)}",
                    user_message=messages.service_bad_response(name),
                )
        if status == 404:
            return None, ServiceNotFound(
                name, f"HTTP 404: {_snippet(body)}", user_message=messages.service_not_found(name)
            )
        return None, ServiceHTTPError(
            name,
            status,
            f"HTTP {status}: {_snippet(body)}",
            user_message=messages.service_http_error(name, status),
        )

    def _timeout(self, exc: BaseException) -> ServiceError:
        timeout = self.settings.timeout_s
        error = ServiceTimeout(
            self.name,
            f"no answer within {timeout:g} s ({type(exc).__name__})",
            user_message=messages.service_timeout(self.name, timeout),
        )
        error.__cause__ = exc
        return error

    def _transport_error(self, exc: Exception) -> ServiceError | None:
        """The error a failed exchange stands for; None for an exception that is a bug."""
        name = self.name
        detail = f"{type(exc).__name__}: {exc}"
        error: ServiceError
        if isinstance(exc, _TooLarge | httpx.DecodingError):
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
        elif isinstance(exc, httpx.HTTPError):
            # Refused, reset, DNS, TLS, closed without an answer.
            error = ServiceUnavailable(
                name, f"unreachable: {detail}", user_message=messages.service_unreachable(name)
            )
        else:
            return None
        error.__cause__ = exc
        return error

    async def aclose(self) -> None:
        """Close the pooled connections. The client cannot be used afterwards."""
        await self._http.aclose()

    def __repr__(self) -> str:
        return f"<ServiceClient {self.name} {self.settings.base_url}>"


class Services:
    """Every configured service client, as `services.billing` or `services["billing"]`.

    `transport`, when given, answers every request of every client (e.g. an
    `httpx.MockTransport`): the seam through which tests fake services.
    """

    def __init__(
        self,
        settings: Mapping[str, ServiceSettings],
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self._clients = {
            name: ServiceClient(
                name, service, transport=transport, max_response_bytes=max_response_bytes
            )
            for name, service in settings.items()
        }

    @property
    def names(self) -> list[str]:
        """The configured service names, in configuration order."""
        return list(self._clients)

    def __getattr__(self, name: str) -> ServiceClient:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # copy, pickle and friends probe these
        return self[name]

    def __getitem__(self, name: str) -> ServiceClient:
        clients: dict[str, ServiceClient] = self.__dict__.get("_clients", {})
        try:
            return clients[name]
        except KeyError:
            raise UnknownServiceError(messages.unknown_service(name, list(clients))) from None

    def __contains__(self, name: object) -> bool:
        return name in self._clients

    def __iter__(self) -> Iterator[str]:
        return iter(self._clients)

    def __len__(self) -> int:
        return len(self._clients)

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *self._clients]

    async def close(self) -> None:
        """Close every client; safe to call twice."""
        outcomes = await asyncio.gather(
            *(client.aclose() for client in self._clients.values()), return_exceptions=True
        )
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                log.warning("closing a service client failed: %r", outcome)

    async def __aenter__(self) -> Services:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<Services {', '.join(self._clients) or '(none)'}>"


def encode_path(path: str) -> str:
    """`path` as literal text, percent-encoded for a URL, starting with `/`.

    `?` and `#` stay in the path and `%` is sent as text. A `.` or `..` segment raises
    `UnsafePathError`: servers that normalise URLs would climb out of the path even when it is
    encoded, so a value like `../admin` never reaches a service. Text that is not valid Unicode
    (a lone surrogate) raises UnicodeEncodeError.
    """
    segments = path.lstrip("/").split("/")
    if any(segment in (".", "..") for segment in segments):
        raise UnsafePathError(f"{path[:80]!r} has a '.' or '..' segment")
    return "/" + "/".join(quote(segment, safe=_SEGMENT_SAFE) for segment in segments)


class UnsafePathError(ValueError):
    """A request path that could name another endpoint than the one the command meant."""


class _TooLarge(Exception):
    """The answer is bigger than the client accepts."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"HTTP {status} body too large: {detail}")
        self.status = status


def _snippet(body: bytes) -> str:
    text = body[:_SNIPPET].decode("utf-8", "replace")
    return repr(text + ("…" if len(body) > _SNIPPET else ""))


def _user_agent() -> str:
    from . import __version__  # imported late: the package imports this module first

    return f"supportbot/{__version__}"


def _log(result: ServiceResult[Any]) -> None:
    outcome = result.status if result.error is None else (result.error.kind, result.status)
    if result.error is None or result.not_found:
        log.debug(
            "%s %s %s -> %s in %.1f ms",
            result.service,
            result.method,
            result.path,
            outcome,
            result.elapsed_ms,
        )
    else:
        # No path here: it may hold a customer's phone number or email.
        log.warning(
            "%s call failed after %.1f ms (%s): %s",
            result.method,
            result.elapsed_ms,
            result.error.kind,
            result.error,
        )
