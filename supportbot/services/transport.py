"""The HTTP transport under every service client: httpx's transport API over aiohttp's pool.

httpx stays the client API (requests, responses, `MockTransport` for tests): a client hands an
`httpx.Request` to `handle_async_request` and reads the `httpx.Response` it gets back. What
moves the bytes is aiohttp's connection pool, which the bot already depends on.

Measured on the 2-core machine, CPU per loopback GET (`bench/service_call.py`): httpcore on
anyio about 2 ms; httpx's `AsyncClient.send` over the `httpx-aiohttp` transport 330-370 µs,
that transport alone 210-260 µs, raw aiohttp 110 µs. This one keeps what aiohttp does and drops
what a service call never needs: no proxy or auth arguments, no cookie jar, one timeout object
per service instead of one per request, the URL handed over already encoded.

A plain `http://` service gets no SSL context at all (building one loads the CA bundle, about
20 ms per client); `https://` services share one.

aiohttp, unlike httpx, does not read proxy settings from the environment (HTTP_PROXY): internal
services are reached directly.
"""

from __future__ import annotations

import functools
import ssl
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import httpx

from supportbot.core.settings import ServiceSettings

if TYPE_CHECKING:
    import aiohttp

__all__ = ["AiohttpTransport", "service_transport", "transport_cause"]

#: Bytes handed to httpx at a time, so the size cap of a client stops a huge answer early.
CHUNK_BYTES = 64 * 1024


@functools.cache
def _shared_ssl_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()


def service_transport(settings: ServiceSettings, limits: httpx.Limits) -> httpx.AsyncBaseTransport:
    """A pooled transport for one service, within `limits`."""
    verify: ssl.SSLContext | None = None
    if settings.base_url.startswith("https:"):
        verify = _shared_ssl_context()
    connect = min(settings.connect_timeout_s, settings.timeout_s)
    return AiohttpTransport(limits=limits, ssl_context=verify, connect_timeout_s=connect)


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An httpx transport sending through one `aiohttp.ClientSession`, opened on first use.

    The caller bounds each exchange as a whole (`asyncio.timeout`); this transport bounds only
    the connect, by `connect_timeout_s`. Bodies are passed on undecoded: httpx decodes them, so
    its size cap counts what the answer really is (a gzip bomb stops too).
    """

    def __init__(
        self,
        *,
        limits: httpx.Limits,
        ssl_context: ssl.SSLContext | None = None,
        connect_timeout_s: float | None = None,
    ) -> None:
        self.limits = limits
        self.ssl_context = ssl_context
        self.connect_timeout_s = connect_timeout_s
        self._session: aiohttp.ClientSession | None = None
        self._timeout: aiohttp.ClientTimeout | None = None

    def _open(self) -> aiohttp.ClientSession:
        import aiohttp  # only when a bot really sends: `supportbot --help` stays light

        connector = aiohttp.TCPConnector(
            limit=self.limits.max_connections or 0,
            keepalive_timeout=self.limits.keepalive_expiry,
            ssl=self.ssl_context if self.ssl_context is not None else False,
        )
        self._timeout = aiohttp.ClientTimeout(total=None, sock_connect=self.connect_timeout_s)
        # No cookie jar: a service's Set-Cookie must not ride along on the next user's lookup.
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=self._timeout,
            auto_decompress=False,
            skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
        )
        return self._session

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request` and return the response with its body still to be read."""
        import yarl

        session = self._session or self._open()
        raw_headers = request.headers.raw
        try:
            body: bytes | None = request.content or None
        except httpx.RequestNotRead:  # pragma: no cover - service calls always carry bytes
            body = await request.aread() or None
        headers = [(key.decode("latin-1"), value.decode("latin-1")) for key, value in raw_headers]
        with _httpx_errors():
            answer = await session.request(
                request.method,
                yarl.URL(str(request.url), encoded=True),
                headers=headers,
                data=body,
                allow_redirects=False,
            )
        extensions: dict[str, Any] = {"http_version": b"HTTP/1.1"}
        if answer.reason:
            extensions["reason_phrase"] = answer.reason.encode("latin-1", "replace")
        return httpx.Response(
            status_code=answer.status,
            headers=answer.raw_headers,
            stream=_ResponseBody(answer),
            request=request,
            extensions=extensions,
        )

    async def aclose(self) -> None:
        """Close the pooled connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None


class _ResponseBody(httpx.AsyncByteStream):
    def __init__(self, answer: aiohttp.ClientResponse) -> None:
        self._answer = answer

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _httpx_errors():
            async for chunk in self._answer.content.iter_chunked(CHUNK_BYTES):
                yield chunk

    async def aclose(self) -> None:
        self._answer.release()


@contextmanager
def _httpx_errors() -> Iterator[None]:
    """aiohttp's errors as httpx's, the original kept as `__cause__` (see `transport_cause`)."""
    import aiohttp

    try:
        yield
    except aiohttp.ClientError as exc:
        raise _as_httpx(exc) from exc


def _as_httpx(exc: aiohttp.ClientError) -> httpx.TransportError:
    import aiohttp

    message = str(exc) or type(exc).__name__
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx.ConnectTimeout(message)
    if isinstance(exc, aiohttp.ServerTimeoutError):
        return httpx.ReadTimeout(message)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return httpx.ConnectError(message)
    if isinstance(exc, aiohttp.InvalidURL | aiohttp.NonHttpUrlClientError):
        return httpx.UnsupportedProtocol(message)
    if isinstance(exc, aiohttp.ClientPayloadError):
        return httpx.ReadError(message)
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientResponseError):
        return httpx.RemoteProtocolError(message)
    return httpx.NetworkError(message)  # reset, broken pipe, anything else on the wire


def transport_cause(exc: BaseException) -> BaseException:
    """The aiohttp exception behind an httpx one raised by the transport, else `exc` itself.

    Classification looks at what really happened: a timeout is only a timeout when aiohttp (or
    the caller's own timeout) says so.
    """
    import aiohttp

    cause = exc.__cause__
    return cause if isinstance(cause, aiohttp.ClientError | TimeoutError) else exc
