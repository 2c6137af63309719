"""HTTP mode: Slack's Events API, slash commands and interactivity on one aiohttp endpoint.

`POST /slack/events` (Bolt's conventional path) takes every signed request from Slack;
`GET /healthz` says the process is alive, `GET /readyz` whether it takes work (for a load
balancer in front of several replicas), `GET /metrics` serves the Prometheus metrics.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request

from supportbot.core.errors import ConfigError
from supportbot.services.metrics import CONTENT_TYPE

from . import wording as messages
from ._app import SlackAdapter
from ._manifest import EVENTS_PATH

__all__ = ["EVENTS_PATH", "MountPages", "build_web_app", "serve_http"]

#: Slack's payloads are small; anything bigger than this is not from Slack.
MAX_BODY_BYTES = 1024 * 1024

ADAPTER_KEY = web.AppKey("supportbot_slack_adapter", SlackAdapter)


#: Adds pages that are not Slack's to the HTTP server (the dashboard): given by the application.
MountPages = Callable[[web.Application], None]


def build_web_app(adapter: SlackAdapter, pages: MountPages | None = None) -> web.Application:
    """The aiohttp application serving `adapter` in HTTP mode, with `pages` mounted beside."""
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    if pages is not None:
        pages(app)
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


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


async def _readyz(request: web.Request) -> web.Response:
    adapter = request.app[ADAPTER_KEY]
    ready = adapter.ready
    return web.json_response({"ready": ready, "busy": adapter.busy}, status=200 if ready else 503)


@asynccontextmanager
async def serve_http(
    adapter: SlackAdapter,
    *,
    host: str = "0.0.0.0",
    port: int = 3000,
    pages: MountPages | None = None,
) -> AsyncIterator[str]:
    """Listen on host:port until the block exits; yields the base URL (port 0 picks a free one).

    The adapter must check signatures (built with a signing secret): over HTTP anyone can post.
    """
    if not adapter.verifies_signatures:
        raise ConfigError(messages.slack_token_missing("SLACK_SIGNING_SECRET"))
    runner = web.AppRunner(build_web_app(adapter, pages), access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0]
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        yield f"http://{shown_host}:{bound[1]}"
    finally:
        await runner.cleanup()
