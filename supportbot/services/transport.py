"""The HTTP transport under every service client: httpx's API over aiohttp's connection pool.

httpx stays the client API (requests, responses, `MockTransport` for tests), but its default
transport (httpcore on anyio) cost about 2 ms of CPU per loopback exchange here, against under
1 ms through aiohttp, which the bot already depends on: `httpx-aiohttp` maps one onto the other.
A plain `http://` service gets no SSL context at all (building one loads the CA bundle, about
20 ms per client); `https://` services share one.

aiohttp, unlike httpx, does not read proxy settings from the environment (HTTP_PROXY): internal
services are reached directly.
"""

from __future__ import annotations

import functools
import ssl

import httpx

from supportbot.core.settings import ServiceSettings

__all__ = ["service_transport", "transport_cause"]


@functools.cache
def _shared_ssl_context() -> ssl.SSLContext:
    return httpx.create_ssl_context()


def service_transport(settings: ServiceSettings, limits: httpx.Limits) -> httpx.AsyncBaseTransport:
    """A pooled transport for one service, within `limits`."""
    from httpx_aiohttp import AiohttpTransport  # aiohttp only when a bot really sends

    verify: ssl.SSLContext | bool = False
    if settings.base_url.startswith("https:"):
        verify = _shared_ssl_context()
    return AiohttpTransport(verify=verify, limits=limits)


def transport_cause(exc: BaseException) -> BaseException:
    """The aiohttp exception behind an httpx one raised by the transport, else `exc` itself.

    The transport re-raises aiohttp's errors as httpx's, coarsely (a closed connection comes out
    as a connect timeout); classification must look at what really happened.
    """
    import aiohttp

    cause = exc.__cause__
    return cause if isinstance(cause, aiohttp.ClientError | TimeoutError) else exc
