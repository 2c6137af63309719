"""Test servers on 127.0.0.1 shared by the service and resilience tests: an aiohttp app served
on a free port, and a TCP server that accepts and reads but never answers (a hanging service);
and an HTTP client to call such servers with."""

from __future__ import annotations

import asyncio
import functools
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiohttp import web


@functools.cache
def _tls() -> ssl.SSLContext:
    return httpx.create_ssl_context()


def loopback_client(**options: Any) -> httpx.AsyncClient:
    """`httpx.AsyncClient(**options)` with one TLS context for the whole test process: a new
    client would load the system's certificates again (about 25 ms), and these calls are plain
    HTTP to 127.0.0.1 anyway."""
    return httpx.AsyncClient(verify=_tls(), **options)


@asynccontextmanager
async def serve_app(app: web.Application, *, shutdown_timeout: float = 0.2) -> AsyncIterator[str]:
    """Serve `app` on a free loopback port until the block ends; yields its base URL."""
    runner = web.AppRunner(app, shutdown_timeout=shutdown_timeout, handler_cancellation=True)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


@dataclass
class Silent:
    """A TCP server that accepts connections and reads requests, and never answers."""

    url: str = ""
    #: Connections accepted so far.
    accepted: int = 0
    #: Connections open now, and the most that were open at once.
    open_now: int = 0
    peak: int = 0
    handlers: set[asyncio.Task[None]] = field(default_factory=set)
    writers: list[asyncio.StreamWriter] = field(default_factory=list)


@asynccontextmanager
async def silent_server() -> AsyncIterator[Silent]:
    """A `Silent` server on a free loopback port, closed (with its connections) on exit."""
    state = Silent()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        state.handlers.add(task)  # type: ignore[arg-type]
        state.writers.append(writer)
        state.accepted += 1
        state.open_now += 1
        state.peak = max(state.peak, state.open_now)
        try:
            while await reader.read(65536):  # until the client hangs up
                pass
        except ConnectionError:
            pass
        finally:
            state.open_now -= 1
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    state.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        yield state
    finally:
        server.close()
        for writer in state.writers:
            writer.close()
        if state.handlers:
            await asyncio.wait(state.handlers, timeout=2)
        await server.wait_closed()
