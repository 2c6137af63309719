"""`/metrics` over HTTP: an aiohttp handler, a small app, and a server on a port of its own.

The terminal and Socket Mode have no HTTP server, so with `metrics_port` set the start-up wiring
(`supportbot.app`) serves one beside the bot. The Slack adapter serves `/metrics` in HTTP mode
from its own app.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from supportbot.core.errors import ConfigError
from supportbot.core.settings import Settings
from supportbot.services import wording as messages
from supportbot.services.metrics import CONTENT_TYPE, Metrics, default_metrics

__all__ = [
    "METRICS_APP_KEY",
    "metrics_app",
    "metrics_handler",
    "serve_configured_metrics",
    "serve_metrics",
]

log = logging.getLogger("supportbot.metrics")

METRICS_APP_KEY = web.AppKey("supportbot_metrics", Metrics)


async def metrics_handler(request: web.Request) -> web.Response:
    """`GET /metrics` for any aiohttp app: the app's `METRICS_APP_KEY` metrics, or the default.

    Mount it with ``app.router.add_get("/metrics", metrics_handler)``.
    """
    metrics = request.app.get(METRICS_APP_KEY) or default_metrics()
    return web.Response(body=metrics.render(), headers={"Content-Type": CONTENT_TYPE})


def metrics_app(metrics: Metrics | None = None) -> web.Application:
    """A small aiohttp app that serves `/metrics` only."""
    app = web.Application()
    if metrics is not None:
        app[METRICS_APP_KEY] = metrics
    app.router.add_get("/metrics", metrics_handler)
    return app


@contextlib.asynccontextmanager
async def serve_metrics(host: str, port: int, metrics: Metrics | None = None) -> AsyncIterator[str]:
    """Serve `/metrics` on host:port (0: any free port) until the block ends; yields its URL.

    Raises OSError when the port cannot be bound.
    """
    runner = web.AppRunner(metrics_app(metrics), access_log=None)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_host, bound_port = runner.addresses[0][:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        yield f"http://{shown}:{bound_port}/metrics"
    finally:
        await runner.cleanup()


@contextlib.asynccontextmanager
async def serve_configured_metrics(
    settings: Settings, metrics: Metrics | None = None
) -> AsyncIterator[str | None]:
    """`serve_metrics` on `metrics_host`:`metrics_port` when a port is set; yields the URL or
    None. A port that cannot be bound stops the start with a ConfigError naming it."""
    if settings.metrics_port is None:
        yield None
        return
    try:
        server = serve_metrics(settings.metrics_host, settings.metrics_port, metrics)
        url = await server.__aenter__()
    except OSError as exc:
        raise ConfigError(
            f"metrics_port: cannot listen on {settings.metrics_host}:{settings.metrics_port}: "
            f"{exc.strerror or exc}"
        ) from exc
    log.info("%s", messages.metrics_serving(url))
    try:
        yield url
    finally:
        await server.__aexit__(None, None, None)
