"""The dashboard over HTTP: signed in or nothing, read-only, masked, the same numbers as
/stats, a CSV per table, charts drawn on the server."""

from __future__ import annotations

import csv
import html
import io
import re

import aiohttp
import pytest
from sqlalchemy import func, select

from supportbot import Period
from supportbot.core.errors import ConfigError
from supportbot.core.render import render_text
from supportbot.record.insight import Insight
from supportbot.storage import AuditRecord
from supportbot.testing import BotTester
from supportbot.web.dashboard import dashboard_token, serve_dashboard

from .conftest import COMMANDS, EMAIL, LEAD, PHONE, TOKEN, Served

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


async def _page_and_tables(served: Served) -> tuple[str, dict[str, list[list[str]]]]:
    """The page, and every table it links to, read back from its CSV."""
    tables: dict[str, list[list[str]]] = {}
    async with aiohttp.ClientSession(headers=BEARER) as http:
        async with http.get(served.url) as response:
            page = await response.text()
        for name in re.findall(r'href="table/([a-z-]+)\.csv"', page):
            async with http.get(served.url + f"table/{name}.csv") as response:
                assert response.status == 200, name
                tables[name] = list(csv.reader(io.StringIO(await response.text())))
    return page, tables


def _figure(page: str, key: str) -> str:
    found = re.search(rf'data-figure="{key}">([^<]*)', page)
    assert found is not None, key
    return html.unescape(found.group(1))


async def test_every_headline_the_issue_names_is_on_the_page_as_stats_counts_it(
    served: Served,
) -> None:
    page, tables = await _page_and_tables(served)
    for panel in ("contacts", "reasons", "first-response", "sla", "csat", "time-saved",
                  "qa", "services", "known-issues", "commands"):  # fmt: skip
        assert f'<section id="{panel}"' in page, panel
    assert {"contacts", "reasons", "first-response", "sla", "qa", "known-issues"} <= set(tables)
    kpi = await served.bot.run("/stats kpi 7d")
    kpi_text = render_text(kpi)
    contacts = _figure(page, "contacts-week")
    assert (kpi.text or "").startswith(f"{contacts} interactions opened")
    assert int(contacts.replace(",", "")) > 100  # the demo's month: a week of it
    assert f"SLA first response: {_figure(page, 'sla-first-response-week')} met" in kpi_text
    assert f"SLA resolution: {_figure(page, 'sla-resolution-week')} met" in kpi_text
    assert f"CSAT: {_figure(page, 'csat-week')} rated 4 or 5" in kpi_text
    assert f"First response (business hours): p50 {_figure(page, 'first-response-week')}" in (
        kpi_text
    )
    tags = await served.bot.run("/stats tags 7d")
    ranked = tags.sections[0].items
    for row, item in zip(tables["reasons"][1:], ranked, strict=True):
        change = row[3]  # a signed number ("-12%") is not quoted as a formula would be
        assert not change.startswith("'"), change
        assert item.startswith(f"{row[0]}: {int(row[1]):,} ({change} vs {int(row[2]):,})")
    assert _figure(page, "top-reason") == tables["reasons"][1][0]
    assert not any(row[0].startswith("resolution/") for row in tables["reasons"][1:])
    assert "How they ended (not a reason, so not ranked): resolution/solved " in page
    hours = await served.bot.run("/stats hours 30d")
    grid_total = sum(int(row[-1]) for row in tables["contacts"][1:])
    assert (hours.text or "").startswith(f"{grid_total:,} contacts. Busiest hour: ")
    assert _figure(page, "busiest-hour") in (hours.text or "")
    qa = await served.bot.run("/stats qa", user=LEAD)
    done, goal = _figure(page, "qa-completion").split(" of ")
    assert f"{done} of {goal} reviews done" in (qa.text or "") and done == "1"
    assert tables["qa"][0] == ["criterion", "scores", "median", "scored 3 or 4"]
    assert _figure(page, "known-issues-active") == "1"
    assert tables["known-issues"][1][0] == "KI-1" and "Payouts late" in tables["known-issues"][1][1]


async def test_no_table_export_holds_a_phone_number_or_an_email(served: Served) -> None:
    page, tables = await _page_and_tables(served)
    exported = "\n".join(",".join(row) for rows in tables.values() for row in rows)
    for text in (page, exported):
        assert PHONE not in text and EMAIL not in text
        assert "3456" not in text.replace("•", "")  # not even the middle of the number
    assert "Payouts late, call" in exported  # the issue is there, its number masked


async def test_with_nothing_recorded_every_panel_says_so() -> None:
    async with BotTester.demo(commands=[COMMANDS]) as empty:
        store = empty.bot.store
        assert store is not None
        insight = Insight(store, empty.bot.settings, empty.bot.registry)
        async with serve_dashboard(insight, TOKEN, port=0) as url:
            async with aiohttp.ClientSession(headers=BEARER) as http:
                async with http.get(url) as response:
                    assert response.status == 200
                    page = await response.text()
    assert _figure(page, "contacts-week") == "0" and _figure(page, "busiest-hour") == "—"
    assert _figure(page, "top-reason") == "—" and _figure(page, "csat-week") == "—"
    assert "No QA sample has been drawn yet" in page
    assert _figure(page, "known-issues-active") == "0"


async def test_numbers_past_their_freshness_are_shown_at_once_and_rebuilt_behind(
    served: Served,
) -> None:
    from supportbot.web.dashboard import FRESH_S, STALE_S, DashboardState

    state = DashboardState(served.insight, TOKEN)
    first_at, _ = await state.current()
    state.built -= FRESH_S + 1  # a view half a minute later
    shown_at, _ = await state.current()
    assert shown_at == first_at and state.refreshing is not None  # at once, the old numbers
    await state.refreshing
    refreshed = state.at
    assert refreshed is not None and refreshed > first_at  # rebuilt behind the view
    state.built -= STALE_S + 1  # nobody looked for five minutes: the view waits for new ones
    rebuilt_at, _ = await state.current()
    assert rebuilt_at > refreshed
