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
passes through `ServiceClient.execute`, which runs it under the service's policy (retries,
circuit breaker, concurrency cap, metrics: see `supportbot.services.guard`).

A command may declare the shape it expects; an answer of another shape becomes a failed result
("merchants answered in an unexpected shape"), never a crash::

    class Account(pydantic.BaseModel):
        plan: str
        balance_due: int

    result = await ctx.call(ctx.services.billing.get(f"/accounts/{mid}").expect(Account))
    if result.ok:
        result.data.plan                   # an Account

Tests and the plugin harness fake services with `Services(settings, transport=...)`: any
`httpx.AsyncBaseTransport`, usually an `httpx.MockTransport`, then answers every request.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Generator, Iterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import quote

import httpx

from supportbot.core.errors import ServiceError, SupportbotError
from supportbot.core.settings import ServiceSettings

from . import wording as messages
from .alerts import ErrorRateMonitor
from .failures import (
    TooLarge,
    UnsafePathError,
    classify_answer,
    timeout_error,
    transport_error,
    validate_answer,
)
from .guard import ServiceGuard
from .idempotency import with_action_key
from .metrics import Metrics, default_metrics
from .progress import report
from .results import ServiceResult, gather
from .transport import service_transport, transport_cause

if TYPE_CHECKING:
    from .health import ServiceHealth

__all__ = [
    "MAX_RESPONSE_BYTES",
    "ServiceCall",
    "ServiceClient",
    "ServiceResult",
    "Services",
    "TypedServiceCall",
    "UnknownServiceError",
    "UnsafePathError",
    "encode_path",
    "gather",
]

M = TypeVar("M")

log = logging.getLogger("supportbot.services")

#: Larger answers are refused (ServiceBadResponse) after reading at most this many bytes.
MAX_RESPONSE_BYTES = 5 * 1024 * 1024
# Keep-alive shorter than common server idle timeouts (uvicorn: 5 s) so that a pooled connection
# is not reused just as the server closes it.
KEEPALIVE_EXPIRY_S = 4.0
# Connections beyond `max_concurrency`, so a health probe never queues behind hung requests.
PROBE_CONNECTIONS = 2
# Characters left as they are inside one path segment: RFC 3986 `pchar` without `%`, so a `%`
# typed by a user is sent as text (%25), never as an escape.
_SEGMENT_SAFE = "!$&'()*+,;=:@"

Params = Mapping[str, Any]


_UNSENDABLE = re.compile(rb"[\r\n\x00]")


class UnknownServiceError(SupportbotError, AttributeError, KeyError):
    """A command asked for a service the configuration does not name (told as such, not as
    a crash)."""

    def __str__(self) -> str:  # KeyError would show the message quoted
        return str(self.args[0]) if self.args else ""


class ServiceCall:
    """One request to one service, described but not sent. Awaiting it sends it.

    Awaiting never raises for HTTP or network problems; it returns a `ServiceResult`. Each await
    sends the request again, so an unawaited call costs nothing and a retry is another await.
    """

    __slots__ = ("client", "method", "path", "params", "json", "headers", "model")

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
        #: The type the answer must have (see `expect`); None accepts any JSON.
        self.model: Any = None

    @property
    def service(self) -> str:
        """The name of the service this call goes to."""
        return self.client.name

    def expect(self, model: type[M]) -> TypedServiceCall[M]:
        """The same call, whose answer must validate as `model` (a pydantic model, or any type
        pydantic validates, like ``list[Device]``). `data` is then the validated value; an answer
        of another shape is a failed result (`ServiceBadResponse`, kind "bad_response")."""
        typed: TypedServiceCall[M] = TypedServiceCall(
            self.client,
            self.method,
            self.path,
            params=self.params,
            json=self.json,
            headers=self.headers,
        )
        typed.model = model
        return typed

    def __await__(self) -> Generator[Any, None, ServiceResult[Any]]:
        return self.client.execute(self).__await__()

    def __repr__(self) -> str:
        return f"<ServiceCall {self.service} {self.method} {self.path[:80]}>"


class TypedServiceCall(ServiceCall, Generic[M]):
    """A `ServiceCall` whose answer is validated as a declared type; made by `expect`."""

    __slots__ = ()

    def __await__(self) -> Generator[Any, None, ServiceResult[M]]:
        return self.client.execute(self).__await__()


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
        metrics: Metrics | None = None,
        monitor: ErrorRateMonitor | None = None,
    ) -> None:
        self.name = name
        self.settings = settings
        self.max_response_bytes = max_response_bytes
        # What every request shares is worked out once, here: the base URL's text, the
        # default headers, the transport. A call then costs one URL parse and one Request.
        self._base = settings.base_url.rstrip("/")
        httpx.URL(self._base)  # an unusable base URL fails at start-up, not per call
        limits = httpx.Limits(
            max_connections=settings.max_concurrency + PROBE_CONNECTIONS,
            max_keepalive_connections=min(20, settings.max_concurrency),
            keepalive_expiry=KEEPALIVE_EXPIRY_S,
        )
        self._headers = httpx.Headers(
            {
                "Accept": "*/*",
                "Accept-Encoding": "gzip, deflate",
                "Connection": "keep-alive",
                "User-Agent": _user_agent(),
            }
        )
        # The transport is called directly: httpx's AsyncClient.send adds auth, redirect and
        # cookie handling that a service call never uses (about 100 µs a call, measured).
        self._transport = transport or service_transport(settings, limits)
        self._closed = False
        #: Retries, circuit breaker, concurrency cap, rate limit and metrics of this service.
        self.guard = ServiceGuard(
            name, settings, metrics=metrics or default_metrics(), monitor=monitor
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
        """Send `call` under the service's policy (retries, breaker, cap) and classify the answer.

        Every request of this client passes here. Never raises for an HTTP or network problem.
        """
        report(self.name, "asked")
        result = await self.guard.run(call, self.attempt)
        report(self.name, "answered", result.ok or result.not_found)
        return result

    async def probe(self) -> ServiceResult[Any]:
        """One GET of the service's `health_path`, around the policy: no retry, no breaker, no
        slot; for `supportbot doctor` and /status, which must see the service as it is."""
        return await self.attempt(
            ServiceCall(self, "GET", self.settings.health_path), self.settings.timeout_s
        )

    async def attempt(self, call: ServiceCall, timeout: float) -> ServiceResult[Any]:
        """One exchange, at most `timeout` seconds, classified. No retry, no breaker."""
        started = time.perf_counter()
        status: int | None = None
        data: Any = None
        error: ServiceError | None
        try:
            request = self._build(call)
            async with asyncio.timeout(timeout):
                status, body, headers = await self._send(request)
            data, error = classify_answer(self.name, status, body, headers)
            if error is None and call.model is not None:
                data, error = validate_answer(self.name, call.model, data, status)
        except (httpx.TimeoutException, TimeoutError) as exc:
            if isinstance(transport_cause(exc), TimeoutError | httpx.TimeoutException):
                error = timeout_error(self.name, exc, timeout)
            else:  # refused, closed or reset: the transport reports some as a connect timeout
                error = transport_error(self.name, exc)
                if error is None:
                    raise
        except Exception as exc:
            error = transport_error(self.name, exc)
            if error is None:
                raise  # a bug, not a service problem
            status = exc.status if isinstance(exc, TooLarge) else status
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
        headers = self._headers
        auth = self.settings.auth_value()  # read now, so a rotated credential is picked up
        extra = with_action_key(call.method, call.headers)  # an action's changing call: its key
        if auth or extra:
            headers = httpx.Headers(headers)
            if auth:
                headers[self.settings.auth_header] = auth
            headers.update(extra or {})
            for name, value in headers.raw:
                if _UNSENDABLE.search(name) or _UNSENDABLE.search(value):
                    # A CR, LF or NUL would split the header (injection); never sent.
                    raise httpx.LocalProtocolError(f"header {name!r} has a control character")
        url = httpx.URL(self._base + encode_path(call.path), params=call.params)
        return httpx.Request(call.method, url, json=call.json, headers=headers)

    async def _send(self, request: httpx.Request) -> tuple[int, bytes, httpx.Headers]:
        """The exchange itself: status, body and headers, the body read up to the size cap."""
        if self._closed:
            raise RuntimeError(f"the {self.name} client is closed: no more requests")
        response = await self._transport.handle_async_request(request)
        try:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_response_bytes:
                raise TooLarge(response.status_code, f"{declared} bytes announced")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():  # decoded, so a gzip bomb stops too
                size += len(chunk)
                if size > self.max_response_bytes:
                    raise TooLarge(response.status_code, f"over {self.max_response_bytes} bytes")
                chunks.append(chunk)
            return response.status_code, b"".join(chunks), response.headers
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        """Close the pooled connections. The client cannot be used afterwards."""
        self._closed = True
        await self._transport.aclose()

    @property
    def closed(self) -> bool:
        """True once `aclose` was called."""
        return self._closed

    def __repr__(self) -> str:
        from supportbot.core.url_secrets import mask_url

        return f"<ServiceClient {self.name} {mask_url(self.settings.base_url)}>"


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
        metrics: Metrics | None = None,
        monitor: ErrorRateMonitor | None = None,
    ) -> None:
        #: The Prometheus metrics every client reports to.
        self.metrics = metrics or default_metrics()
        #: The early warning watching every client (None: no alerts).
        self.monitor = monitor
        self._clients = {
            name: ServiceClient(
                name,
                service,
                transport=transport,
                max_response_bytes=max_response_bytes,
                metrics=self.metrics,
                monitor=monitor,
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

    async def health(self) -> list[ServiceHealth]:
        """Every service's health now, probed at once: reachable, latency, credentials accepted,
        breaker state and recent errors (what /status and `supportbot doctor` show)."""
        from .health import check_services

        return await check_services(self)

    async def close(self) -> None:
        """Close every client and deliver pending alerts; safe to call twice."""
        outcomes = await asyncio.gather(
            *(client.aclose() for client in self._clients.values()), return_exceptions=True
        )
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                log.warning("closing a service client failed: %r", outcome)
        if self.monitor is not None:
            await self.monitor.aclose()

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


def _user_agent() -> str:
    from supportbot.core.version import __version__

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
