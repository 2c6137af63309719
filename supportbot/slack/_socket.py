"""Socket Mode: Slack pushes envelopes over a WebSocket the bot opens; no public URL needed.

Every envelope is acknowledged, whatever Bolt made of it: an envelope that is not acknowledged
is delivered again (Bolt's own handler leaves unmatched ones unacknowledged). The client's
connected state is exposed for health checks, because reconnecting after idle periods is a known
weak spot; Slack's `disconnect` messages and closed sockets make the client open a new
connection (a fresh URL from `apps.connections.open`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from supportbot.core.errors import ConfigError

from . import wording as messages
from ._app import SlackAdapter
from ._http import database_status
from ._identity import unreachable_message

__all__ = ["STUCK_AFTER_S", "SocketModeRunner", "run_socket_mode", "serve_socket_health"]

#: Disconnected for longer than this, the process reports itself unhealthy (so it is restarted).
STUCK_AFTER_S = 120.0

log = logging.getLogger("supportbot.slack.socket")


class SocketModeRunner:
    """One Socket Mode connection for a `SlackAdapter`, with its health."""

    def __init__(self, adapter: SlackAdapter, app_token: str, *, ping_interval: float = 10.0):
        self.adapter = adapter
        self._app_token = app_token
        self._ping_interval = ping_interval
        self.client: SocketModeClient | None = None
        #: How many `hello`s the server sent: 1 after connecting, +1 per reconnection.
        self.hellos = 0
        self.last_hello_at: float | None = None
        self.acked = 0
        self._down_since: float | None = None

    async def start(self) -> None:
        """Check the app token, connect, and return once Slack said hello."""
        url = await self._first_url()
        self.client = SocketModeClient(
            app_token=self._app_token,
            web_client=self.adapter.client,
            ping_interval=self._ping_interval,
            logger=logging.getLogger("supportbot.slack.socket.client"),
        )
        self.client.wss_uri = url
        self.client.message_listeners.append(self._on_message)
        self.client.socket_mode_request_listeners.append(self._on_request)
        await self.client.connect()  # type: ignore[no-untyped-call]
        await self.wait_for_hello(1)

    async def _first_url(self) -> str:
        try:
            response = await self.adapter.client.apps_connections_open(app_token=self._app_token)
        except SlackApiError as exc:
            error = str(exc.response.get("error") if exc.response is not None else exc)
            raise ConfigError(messages.slack_token_refused("SLACK_APP_TOKEN", error)) from None
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            client = self.adapter.client
            raise ConfigError(
                unreachable_message(client.base_url, exc, timeout_s=float(client.timeout))
            ) from None
        return str(response["url"])

    async def wait_for_hello(self, count: int, timeout: float = 10.0) -> None:
        """Wait until the server has said hello `count` times in all (TimeoutError if not)."""
        async with asyncio.timeout(timeout):
            while self.hellos < count:
                await asyncio.sleep(0.01)

    async def connected(self) -> bool:
        """True while the WebSocket is open and answering pings."""
        up = self.client is not None and await self.client.is_connected()
        if up:
            self._down_since = None
        elif self._down_since is None:
            self._down_since = time.monotonic()
        return up

    async def status(self) -> dict[str, Any]:
        """The connection's health: connected now, for how long it has been down, counters."""
        up = await self.connected()
        down_for = 0.0 if self._down_since is None else time.monotonic() - self._down_since
        return {
            "connected": up,
            "down_for_s": round(down_for, 1),
            "hellos": self.hellos,
            "acked": self.acked,
            "busy": self.adapter.busy,
            **database_status(self.adapter),
        }

    async def _on_message(
        self, client: AsyncBaseSocketModeClient, message: dict[str, Any], raw: str | None
    ) -> None:
        if message.get("type") == "hello":
            self.hellos += 1
            self.last_hello_at = time.time()
        elif message.get("type") == "disconnect":
            log.info("Slack asked to reconnect (%s)", message.get("reason"))

    async def _on_request(
        self, client: AsyncBaseSocketModeClient, request: SocketModeRequest
    ) -> None:
        headers: dict[str, str | Sequence[str]] = {}
        if request.retry_attempt is not None:
            headers["x-slack-retry-num"] = str(request.retry_attempt)
        if request.retry_reason is not None:
            headers["x-slack-retry-reason"] = request.retry_reason
        bolt_request = AsyncBoltRequest(mode="socket_mode", body=request.payload, headers=headers)
        try:
            response = await self.adapter.dispatch(bolt_request)
        except Exception:
            log.exception("could not handle a Socket Mode envelope")
            response = None
        payload: dict[str, Any] | None = None
        if response is not None and response.status == 200 and response.body:
            content_type = (response.headers.get("content-type") or [""])[0]
            if content_type.startswith("application/json"):
                payload = json.loads(response.body)
            else:
                payload = {"text": response.body}
        elif response is not None and response.status != 200:
            log.warning("Bolt answered %s to an envelope; acknowledging it anyway", response.status)
        await client.send_socket_mode_response(
            SocketModeResponse(envelope_id=request.envelope_id, payload=payload)
        )
        self.acked += 1

    async def stop(self) -> None:
        """Close the connection and let the client's background tasks wind down."""
        if self.client is not None:
            client, self.client = self.client, None
            await client.close()  # type: ignore[no-untyped-call]
            for _ in range(3):  # the client cancels its tasks without awaiting them
                await asyncio.sleep(0)


@asynccontextmanager
async def run_socket_mode(
    adapter: SlackAdapter, app_token: str, *, ping_interval: float = 10.0
) -> AsyncIterator[SocketModeRunner]:
    """Connected to Slack over Socket Mode for the duration of the block."""
    runner = SocketModeRunner(adapter, app_token, ping_interval=ping_interval)
    try:
        await runner.start()
        yield runner
    finally:
        await runner.stop()


RUNNER_KEY = web.AppKey("supportbot_socket_runner", SocketModeRunner)


async def _healthz(request: web.Request) -> web.Response:
    status = await request.app[RUNNER_KEY].status()
    healthy = status["connected"] or status["down_for_s"] < STUCK_AFTER_S
    return web.json_response({"ok": healthy, **status}, status=200 if healthy else 503)


async def _readyz(request: web.Request) -> web.Response:
    status = await request.app[RUNNER_KEY].status()
    ready = status["connected"] and status.get("database", {}).get("ok", True)
    return web.json_response(status, status=200 if ready else 503)


@asynccontextmanager
async def serve_socket_health(
    runner: SocketModeRunner, *, host: str = "0.0.0.0", port: int = 0
) -> AsyncIterator[str]:
    """`/healthz` (unhealthy once stuck disconnected) and `/readyz` (connected now) for Socket
    Mode, where nothing else listens; yields the base URL."""
    app = web.Application()
    app[RUNNER_KEY] = runner
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", _readyz)
    web_runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await web_runner.setup()
    try:
        await web.TCPSite(web_runner, host, port).start()
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        yield f"http://{shown_host}:{web_runner.addresses[0][1]}"
    finally:
        await web_runner.cleanup()
