"""HTTP mode: Slack's Events API, slash commands and interactivity on one aiohttp endpoint.

`POST /slack/events` (Bolt's conventional path) takes every signed request from Slack;
`GET /healthz` says the process is alive, `GET /readyz` whether it takes work (for a load
balancer in front of several replicas: not while the database cannot take writes, whose problem
and spooled rows it names), `GET /metrics` serves the Prometheus metrics. `/healthz` stays 200
while the database is away: restarting the process would not bring it back, and rows may wait
in its memory.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request

from supportbot.core.errors import ConfigError
from supportbot.services.metrics import CONTENT_TYPE

from . import wording as messages
from ._app import SlackAdapter
from ._manifest import EVENTS_PATH

__all__ = ["EVENTS_PATH", "build_web_app", "database_status", "serve_http"]

#: Slack's payloads are small; anything bigger than this is not from Slack.
MAX_BODY_BYTES = 1024 * 1024

ADAPTER_KEY = web.AppKey("supportbot_slack_adapter", SlackAdapter)


def build_web_app(adapter: SlackAdapter) -> web.Application:
    """The aiohttp application serving `adapter` in HTTP mode."""
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[ADAPTER_KEY] = adapter
    app.router.add_post(EVENTS_PATH, _events)
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", _readyz)
    app.router.add_get("/metrics", _metrics)
    return app


async def _metrics(request: web.Request) -> web.Response:
    metrics = request.app[ADAPTER_KEY].bot.services.metrics
    return web.Response(body=metrics.render(), headers={"Content-Type": CONTENT_TYPE})


async def _events(request: web.Request) -> web.Response:
    adapter = request.app[ADAPTER_KEY]
    # The signature covers the raw body: Bolt checks it (and the timestamp) before anything runs.
    bolt_response = await adapter.dispatch(await to_bolt_request(request))
    return await to_aiohttp_response(bolt_response)


def database_status(adapter: SlackAdapter) -> dict[str, Any]:
    """`{"database": ...}` for the health probes (empty for a bot without a database):
    readiness fails while the database cannot take writes; liveness does not."""
    health = adapter.bot.database_health()
    return {"database": health.as_json()} if health is not None else {}


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"ok": True, **database_status(request.app[ADAPTER_KEY])})


async def _readyz(request: web.Request) -> web.Response:
    adapter = request.app[ADAPTER_KEY]
    database = database_status(adapter)
    ready = adapter.ready and database.get("database", {}).get("ok", True)
    body = {"ready": ready, "busy": adapter.busy, **database}
    return web.json_response(body, status=200 if ready else 503)


@asynccontextmanager
async def serve_http(
    adapter: SlackAdapter, *, host: str = "0.0.0.0", port: int = 3000
) -> AsyncIterator[str]:
    """Listen on host:port until the block exits; yields the base URL (port 0 picks a free one).

    The adapter must check signatures (built with a signing secret): over HTTP anyone can post.
    """
    if not adapter.verifies_signatures:
        raise ConfigError(messages.slack_token_missing("SLACK_SIGNING_SECRET"))
    runner = web.AppRunner(build_web_app(adapter), access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0]
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        yield f"http://{shown_host}:{bound[1]}"
    finally:
        await runner.cleanup()
