"""HTTP mode: Slack's Events API, slash commands and interactivity on one aiohttp endpoint.

`POST /slack/events` (Bolt's conventional path) takes every signed request from Slack;
`GET /healthz` says the process is alive, `GET /readyz` whether it takes work (for a load
balancer in front of several replicas: not while the database cannot take writes, whose problem
and spooled rows it names), `GET /metrics` serves the Prometheus metrics. `/healthz` stays 200
while the database is away: restarting the process would not bring it back, and rows may wait
in its memory.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response

from supportbot.core.errors import ConfigError
from supportbot.services.metrics import CONTENT_TYPE

from . import wording as messages
from ._app import SlackAdapter
from ._front_door import MAX_BODY_BYTES, FrontDoor, Refusal, refused
from ._manifest import EVENTS_PATH

__all__ = ["EVENTS_PATH", "MountPages", "Route", "build_web_app", "database_status", "serve_http"]

#: Another POST endpoint served beside /slack/events (the incoming-calls webhook): path, handler.
Route = tuple[str, Callable[[web.Request], Awaitable[web.StreamResponse]]]

#: Adds pages that are not Slack's to the HTTP server (the dashboard): given by the application.
MountPages = Callable[[web.Application], None]

ADAPTER_KEY = web.AppKey("supportbot_slack_adapter", SlackAdapter)
DOOR_KEY = web.AppKey("supportbot_slack_front_door", FrontDoor)


def build_web_app(
    adapter: SlackAdapter,
    door: FrontDoor | None = None,
    routes: Sequence[Route] = (),
    pages: MountPages | None = None,
) -> web.Application:
    """The aiohttp application serving `adapter` in HTTP mode (`door`: its request checks), and
    `routes` and `pages` beside it."""
    if adapter.signing_secret is None:
        raise ConfigError(messages.slack_token_missing("SLACK_SIGNING_SECRET"))
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    if pages is not None:
        pages(app)
    app[ADAPTER_KEY] = adapter
    app[DOOR_KEY] = door or FrontDoor(adapter.signing_secret)
    app.router.add_post(EVENTS_PATH, _events)
    for path, handler in routes:
        app.router.add_post(path, handler)
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", _readyz)
    app.router.add_get("/metrics", _metrics)
    return app


async def _metrics(request: web.Request) -> web.Response:
    metrics = request.app[ADAPTER_KEY].bot.services.metrics
    return web.Response(body=metrics.render(), headers={"Content-Type": CONTENT_TYPE})


async def _events(request: web.Request) -> web.Response:
    adapter, door = request.app[ADAPTER_KEY], request.app[DOOR_KEY]
    try:
        door.enter()
    except Refusal as refusal:
        return refused(refusal, request)
    try:
        # Signature first, on the raw bytes; nothing is parsed before it holds.
        bolt_request = await door.admit(request)
        try:
            bolt_response = await adapter.dispatch(bolt_request)
        except Exception as exc:  # a signed body of a shape Bolt cannot take
            unreadable = Refusal(400, f"unreadable Slack request ({type(exc).__name__})")
            return refused(unreadable, request)
        return await to_aiohttp_response(bolt_response)
    except Refusal as refusal:
        return refused(refusal, request)
    finally:
        door.leave()


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
    adapter: SlackAdapter,
    *,
    host: str = "0.0.0.0",
    port: int = 3000,
    door: FrontDoor | None = None,
    routes: Sequence[Route] = (),
    pages: MountPages | None = None,
) -> AsyncIterator[str]:
    """Listen on host:port until the block exits; yields the base URL (port 0 picks a free one).

    The adapter must check signatures (built with a signing secret): over HTTP anyone can post.
    """
    runner = web.AppRunner(
        build_web_app(adapter, door, routes, pages), access_log=None, handle_signals=False
    )
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0]
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
        yield f"http://{shown_host}:{bound[1]}"
    finally:
        await runner.cleanup()
