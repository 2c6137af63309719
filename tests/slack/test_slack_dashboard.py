"""In HTTP mode the dashboard sits beside /slack/events on the same server."""

from __future__ import annotations

import aiohttp
import pytest

from supportbot.app.dashboard_pages import dashboard_pages
from supportbot.slack import SlackAdapter, serve_http
from supportbot.testing import BotTester

TOKEN = "http-mode-dashboard-token-42"


async def test_the_dashboard_is_mounted_beside_slack_events(
    adapter: SlackAdapter, tester: BotTester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPORTBOT_DASHBOARD_TOKEN", TOKEN)
    pages = dashboard_pages(tester.bot)
    assert pages is not None
    async with serve_http(adapter, host="127.0.0.1", port=0, pages=pages) as url:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{url}/dashboard", allow_redirects=True) as response:
                assert response.status == 401  # the sign-in page
            headers = {"Authorization": f"Bearer {TOKEN}"}
            async with http.get(f"{url}/dashboard/", headers=headers) as response:
                assert response.status == 200 and "Support dashboard" in await response.text()
            async with http.get(f"{url}/healthz") as response:
                assert response.status == 200


async def test_without_a_token_there_is_no_dashboard(
    tester: BotTester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SUPPORTBOT_DASHBOARD_TOKEN", raising=False)
    assert dashboard_pages(tester.bot) is None
