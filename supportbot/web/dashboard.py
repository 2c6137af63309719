"""The web dashboard: the headline support numbers, read-only, behind a sign-in token.

    GET  /dashboard/                 the page (signed in), else the sign-in page (401)
    POST /dashboard/sign-in          the token from the form -> a session cookie
    GET  /dashboard/chart/<id>.png   a panel's chart, drawn on the server (matplotlib)
    GET  /dashboard/table/<id>.csv   a panel's table as CSV
    (also any of these with `Authorization: Bearer <token>`, for scripts)

The token is `SUPPORTBOT_DASHBOARD_TOKEN`, read from the environment only. The cookie holds an
HMAC of the token, not the token (HttpOnly, SameSite=Strict). Nothing on these pages changes
anything: the only POST is the sign-in. `supportbot dashboard` serves it alone; in Slack's HTTP
mode it is mounted beside `/slack/events`. Slack sign-in is not offered (yet): the token is the
only way in.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import io
import logging
import os
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime

from aiohttp import web

from supportbot.core.chart_png import render_png
from supportbot.core.errors import ConfigError
from supportbot.record.insight import Insight
from supportbot.storage import StorageUnavailable, write_table_csv

from . import wording as messages
from .dashboard_page import render_page, render_sign_in
from .dashboard_panels import Panel, build_panels

__all__ = [
    "DASHBOARD_PATH",
    "TOKEN_VARIABLE",
    "dashboard_app",
    "dashboard_token",
    "mount_dashboard",
    "serve_dashboard",
]

DASHBOARD_PATH = "/dashboard"
TOKEN_VARIABLE = "SUPPORTBOT_DASHBOARD_TOKEN"
COOKIE = "supportbot_dashboard"
#: The page's numbers are fresh this long: reloading or fetching its charts and CSVs reuses
#: them. Older, but younger than STALE_S, they are still shown at once while a rebuild runs
#: in the background (the page says when its numbers are from); older still, the view waits.
FRESH_S = 30.0
STALE_S = 300.0
MIN_TOKEN = 16


def dashboard_token(environ: dict[str, str] | None = None) -> str | None:
    """The dashboard's token from the environment (None when unset); ConfigError when it is
    too short to protect anything."""
    value = (environ if environ is not None else os.environ).get(TOKEN_VARIABLE, "").strip()
    if not value:
        return None
    if len(value) < MIN_TOKEN:
        raise ConfigError(
            f"{TOKEN_VARIABLE} is {len(value)} characters; use at least {MIN_TOKEN} random "
            "characters (e.g. `openssl rand -hex 24`)"
        )
    return value


@dataclass
class DashboardState:
    """The dashboard's collaborators and its short cache of numbers and charts."""

    insight: Insight
    token: str
    at: datetime | None = None
    panels: list[Panel] = field(default_factory=list)
    built: float = 0.0
    charts: dict[str, bytes] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    refreshing: asyncio.Task[None] | None = None

    @property
    def session(self) -> str:
        """The cookie's value: an HMAC of the token (the token itself never leaves)."""
        return hmac.new(self.token.encode(), b"supportbot-dashboard", hashlib.sha256).hexdigest()

    def signed_in(self, request: web.Request) -> bool:
        """A bearer token or a session cookie that matches."""
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            return hmac.compare_digest(auth[7:].strip().encode(), self.token.encode())
        cookie = request.cookies.get(COOKIE, "")
        return bool(cookie) and hmac.compare_digest(cookie.encode(), self.session.encode())

    async def current(self) -> tuple[datetime, list[Panel]]:
        """The panels: fresh ones at once; ones older than FRESH_S at once too while a
        rebuild runs in the background; built first when there are none or they are older
        than STALE_S."""
        age = time.monotonic() - self.built
        if self.at is not None and age <= STALE_S:
            if age > FRESH_S and (self.refreshing is None or self.refreshing.done()):
                self.refreshing = asyncio.create_task(self._refresh())
            return self.at, self.panels
        async with self.lock:
            if self.at is None or time.monotonic() - self.built > STALE_S:
                await self._build()
            assert self.at is not None
            return self.at, self.panels

    async def _build(self) -> None:
        self.at, self.panels = await build_panels(self.insight)
        self.built = time.monotonic()
        self.charts = {}

    async def _refresh(self) -> None:
        """Rebuild in the background; a failure keeps the numbers shown (and is logged)."""
        async with self.lock:
            if time.monotonic() - self.built <= FRESH_S:
                return  # another view rebuilt them meanwhile
            try:
                await self._build()
            except Exception:
                log.warning("the dashboard could not refresh its numbers", exc_info=True)


log = logging.getLogger("supportbot.web.dashboard")

STATE_KEY = web.AppKey("supportbot_dashboard", DashboardState)


def _state(request: web.Request) -> DashboardState:
    return request.app[STATE_KEY]


def _headers() -> dict[str, str]:
    return {
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        # no script at all, images from this server only, nothing framed
        "Content-Security-Policy": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    }


def _sign_in_page(*, failed: bool = False) -> web.Response:
    return web.Response(
        text=render_sign_in(failed=failed),
        content_type="text/html",
        status=401,
        headers=_headers(),
    )


async def _numbers(state: DashboardState) -> tuple[datetime, list[Panel]] | web.Response:
    try:
        return await state.current()
    except StorageUnavailable as exc:
        return web.Response(
            text=f"The dashboard cannot read the database now: {exc}. Try again in a minute.",
            status=503,
            headers=_headers(),
        )


async def _page(request: web.Request) -> web.StreamResponse:
    state = _state(request)
    if not request.path.endswith("/"):
        raise web.HTTPFound(request.path + "/")
    if not state.signed_in(request):
        return _sign_in_page()
    found = await _numbers(state)
    if isinstance(found, web.Response):
        return found
    at, panels = found
    page = render_page(panels, at=at, zone=state.insight.config.zone)
    return web.Response(text=page, content_type="text/html", headers=_headers())


async def _sign_in(request: web.Request) -> web.StreamResponse:
    state = _state(request)
    form = await request.post()
    typed = str(form.get("token", "")).strip()
    if not hmac.compare_digest(typed.encode(), state.token.encode()):
        return _sign_in_page(failed=True)
    response = web.HTTPSeeOther("./")
    response.set_cookie(
        COOKIE,
        state.session,
        httponly=True,
        samesite="Strict",
        path=str(request.url.parent.path) or "/",
        secure=request.secure,
        max_age=12 * 3600,
    )
    raise response


def _panel(panels: list[Panel], name: str) -> Panel:
    panel = next((p for p in panels if p.id == name), None)
    if panel is None:
        raise web.HTTPNotFound(text=messages.unknown_export(name[:60]))
    return panel


async def _requested_panel(request: web.Request) -> Panel | web.Response:
    """The panel a signed-in request names (401 when not signed in, 404 when there is none), or
    the page saying the numbers cannot be read now."""
    state = _state(request)
    if not state.signed_in(request):
        raise web.HTTPUnauthorized(text=messages.sign_in_help())
    found = await _numbers(state)
    if isinstance(found, web.Response):
        return found
    return _panel(found[1], request.match_info["name"])


async def _chart(request: web.Request) -> web.StreamResponse:
    panel = await _requested_panel(request)
    if isinstance(panel, web.Response):
        return panel
    state, name = _state(request), panel.id
    if panel.chart is None:
        raise web.HTTPNotFound(text=messages.unknown_export(name[:60]))
    png = state.charts.get(name)
    if png is None:
        png = state.charts[name] = await asyncio.to_thread(render_png, panel.chart)
    return web.Response(body=png, content_type="image/png", headers=_headers())


async def _csv(request: web.Request) -> web.StreamResponse:
    panel = await _requested_panel(request)
    if isinstance(panel, web.Response):
        return panel
    name = panel.id
    if panel.table is None:
        raise web.HTTPNotFound(text=messages.unknown_export(name[:60]))
    out = io.StringIO()
    write_table_csv(panel.table.header, panel.table.rows, out)
    headers = {**_headers(), "Content-Disposition": f'attachment; filename="{name}.csv"'}
    return web.Response(text=out.getvalue(), content_type="text/csv", headers=headers)


def dashboard_app(insight: Insight, token: str) -> web.Application:
    """The dashboard as an aiohttp application, to mount at DASHBOARD_PATH (`add_subapp`)."""
    app = web.Application(client_max_size=16 * 1024)
    state = app[STATE_KEY] = DashboardState(insight, token)

    async def stop_refreshing(_: web.Application) -> None:
        if state.refreshing is not None:
            state.refreshing.cancel()
            await asyncio.gather(state.refreshing, return_exceptions=True)

    app.on_cleanup.append(stop_refreshing)
    app.router.add_get("/", _page)
    app.router.add_post("/sign-in", _sign_in)
    app.router.add_get("/chart/{name}.png", _chart)
    app.router.add_get("/table/{name}.csv", _csv)
    return app


def mount_dashboard(app: web.Application, insight: Insight, token: str) -> None:
    """Mount the dashboard at DASHBOARD_PATH of `app` (and redirect the bare path)."""

    async def bare(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(DASHBOARD_PATH + "/")

    app.router.add_get(DASHBOARD_PATH, bare)
    app.add_subapp(DASHBOARD_PATH + "/", dashboard_app(insight, token))


@contextlib.asynccontextmanager
async def serve_dashboard(
    insight: Insight, token: str, *, host: str = "127.0.0.1", port: int = 8088
) -> AsyncIterator[str]:
    """Serve the dashboard on host:port (0: a free port) while the block runs; yields its URL.
    OSError when the port cannot be bound."""
    app = web.Application()
    mount_dashboard(app, insight, token)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_host, bound_port = runner.addresses[0][:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        yield f"http://{shown}:{bound_port}{DASHBOARD_PATH}/"
    finally:
        await runner.cleanup()
