"""The dashboard over HTTP: signed in or nothing, read-only, masked, the same numbers as
/stats, a CSV per table, charts drawn on the server."""

from __future__ import annotations

import csv
import io

import aiohttp
import pytest
from sqlalchemy import func, select

from supportbot import Period
from supportbot.core.errors import ConfigError
from supportbot.storage import AuditRecord
from supportbot.web.dashboard import dashboard_token

from .conftest import EMAIL, PHONE, TOKEN, Served

BEARER = {"Authorization": f"Bearer {TOKEN}"}


async def test_without_the_token_only_the_sign_in_page_is_served(served: Served) -> None:
    async with aiohttp.ClientSession() as http:
        for path in ("", "table/commands.csv", "chart/commands.png"):
            async with http.get(served.url + path) as response:
                assert response.status == 401
                body = await response.text()
                assert "/merchant" not in body and "PNG" not in body
        async with http.get(served.url, headers={"Authorization": "Bearer wrong"}) as response:
            assert response.status == 401
        async with http.post(served.url + "sign-in", data={"token": "wrong"}) as response:
            assert response.status == 401 and "not the dashboard" in await response.text()


async def test_signing_in_sets_a_cookie_that_is_not_the_token(served: Served) -> None:
    # unsafe: keep cookies of an IP address host, as browsers do
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.post(served.url + "sign-in", data={"token": TOKEN}) as response:
            assert response.status == 200 and "Support dashboard" in await response.text()
        cookies = {c.key: c for c in http.cookie_jar}
        cookie = cookies["supportbot_dashboard"]
        assert cookie.value != TOKEN and TOKEN not in cookie.value
        assert cookie["httponly"] and cookie["samesite"] == "Strict"


async def test_the_page_shows_the_numbers_of_stats_and_no_personal_data(served: Served) -> None:
    async with aiohttp.ClientSession(headers=BEARER) as http:
        async with http.get(served.url) as response:
            assert response.status == 200
            page = await response.text()
            assert "no-store" in response.headers["Cache-Control"]
            assert "script-src" not in response.headers["Content-Security-Policy"]
    store = served.bot.bot.store
    assert store is not None
    async with store.sessions() as session:
        total = await session.scalar(select(func.count()).select_from(AuditRecord))
    assert f'data-figure="runs-week">{total:,}' in page
    stats = await served.bot.run("/stats commands 7d")
    assert (stats.text or "").startswith(f"{total:,} runs")
    assert PHONE not in page and EMAIL not in page and "3456" not in page.replace("•", "")
    assert "<script" not in page and "http://" not in page.replace(served.url, "")


async def test_each_table_exports_as_csv_with_the_pages_rows(served: Served) -> None:
    async with aiohttp.ClientSession(headers=BEARER) as http:
        async with http.get(served.url + "table/commands.csv") as response:
            assert response.status == 200 and response.content_type == "text/csv"
            assert "attachment" in response.headers["Content-Disposition"]
            rows = list(csv.reader(io.StringIO(await response.text())))
        async with http.get(served.url + "table/services.csv") as response:
            services = list(csv.reader(io.StringIO(await response.text())))
        async with http.get(served.url + "table/nothing.csv") as response:
            assert response.status == 404 and "no table or chart" in await response.text()
    assert rows[0] == ["command", "outcome", "runs", "p50", "p90", "p95"]
    report = await served.insight.commands(Period.days(7))
    assert sum(int(row[2]) for row in rows[1:]) == report.runs
    assert PHONE not in "".join(",".join(r) for r in rows)
    assert services[0][:3] == ["service", "calls", "errors"] and len(services) > 1


async def test_charts_are_pngs_drawn_on_the_server(served: Served) -> None:
    async with aiohttp.ClientSession(headers=BEARER) as http:
        async with http.get(served.url + "chart/commands.png") as response:
            assert response.status == 200 and response.content_type == "image/png"
            assert (await response.read()).startswith(b"\x89PNG")


async def test_the_dashboard_is_read_only(served: Served) -> None:
    async with aiohttp.ClientSession(headers=BEARER) as http:
        for method in ("PUT", "DELETE", "PATCH"):
            async with http.request(method, served.url) as response:
                assert response.status == 405
        async with http.post(served.url + "table/commands.csv") as response:
            assert response.status == 405


def test_a_short_token_is_refused_and_none_means_off() -> None:
    assert dashboard_token({}) is None
    with pytest.raises(ConfigError, match="at least 16"):
        dashboard_token({"SUPPORTBOT_DASHBOARD_TOKEN": "short"})
    assert dashboard_token({"SUPPORTBOT_DASHBOARD_TOKEN": " " + TOKEN + " "}) == TOKEN
