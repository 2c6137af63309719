"""At start, a Slack that cannot be reached is reported in a sentence: the URL, what failed in
words, and what to check; never an exception's repr."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from click.testing import CliRunner
from slack_sdk.web.async_client import AsyncWebClient

from supportbot import ConfigError
from supportbot.slack import authenticate
from supportbot.slack._cli import serve
from supportbot.slack.testing import FakeSlack

from .conftest import SIGNING_SECRET, Host
from .test_slack_cli import CONFIG


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again on leaving: nothing listens there


class FailingResolver(AbstractResolver):
    """A DNS that knows no name, so the test needs no network."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        raise OSError(-2, "Name or service not known")

    async def close(self) -> None:
        pass


@pytest.fixture
async def not_slack() -> AsyncIterator[str]:
    """A web server on 127.0.0.1 that is not Slack: a 404 page, a 200 page, a slow answer."""

    async def page(request: web.Request) -> web.Response:
        status = 200 if "ok-page" in request.path else 404
        return web.Response(status=status, text="<html>hi</html>", content_type="text/html")

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(1)
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/slow/auth.test", slow)
    app.router.add_post("/{tail:.*}", page)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def start_with(url: str, *, timeout_s: float = 5.0, **session: Any) -> str:
    async with aiohttp.ClientSession(**session) as http:
        client = AsyncWebClient(token="xoxb-1-2-abc", base_url=url, session=http, timeout=10)
        with pytest.raises(ConfigError) as caught:
            await authenticate(client, timeout_s=timeout_s)
    return str(caught.value)


def assert_a_sentence(message: str, url: str) -> None:
    assert message.startswith(f"Could not reach Slack at {url}: ")
    assert "SUPPORTBOT_SLACK__API_URL" in message and "Check" in message
    for raw in ("ConnectionKey", "Error(", "os_error", "<", "Traceback"):
        assert raw not in message


async def test_nothing_listening_says_connection_refused_and_where() -> None:
    port = closed_port()
    url = f"http://127.0.0.1:{port}/api/"
    message = await start_with(url)
    assert_a_sentence(message, url)
    assert f"nothing accepts connections at 127.0.0.1:{port} (connection refused)" in message


async def test_an_unknown_host_name_says_dns() -> None:
    url = "https://slack.example.invalid/api/"
    connector = aiohttp.TCPConnector(resolver=FailingResolver())
    message = await start_with(url, connector=connector)
    assert_a_sentence(message, url)
    assert "the host name slack.example.invalid was not found (DNS)" in message


async def test_a_server_that_is_not_slack_says_so_with_its_status(not_slack: str) -> None:
    for path, status in (("/api/", "404"), ("/ok-page/", "200")):
        message = await start_with(not_slack + path)
        assert_a_sentence(message, not_slack + path)
        assert f"(HTTP {status}) is not Slack's Web API" in message
        assert "SLACK_BOT_TOKEN" not in message  # the token was never the problem


async def test_no_answer_in_time_says_how_long_it_waited(not_slack: str) -> None:
    message = await start_with(not_slack + "/slow/", timeout_s=0.2)
    assert_a_sentence(message, not_slack + "/slow/")
    assert "no answer within 0.2 s" in message


async def test_https_to_a_plain_http_server_says_tls(not_slack: str) -> None:
    url = not_slack.replace("http://", "https://") + "/"
    message = await start_with(url)
    assert_a_sentence(message, url)
    assert "the secure (TLS) connection to 127.0.0.1:" in message


@pytest.mark.parametrize("url", ["not a url/", "http://[::1/", "http:///", "ünï://çødé/"])
async def test_a_url_that_is_not_one_says_so(url: str) -> None:
    message = await start_with(url)
    assert message.startswith(f"Could not reach Slack at {url}: ")
    assert "ConnectionKey" not in message and "Error(" not in message


async def test_a_refused_token_still_names_the_variable() -> None:
    async with FakeSlack.start() as slack, aiohttp.ClientSession() as http:
        client = AsyncWebClient(token="xoxb-wrong", base_url=slack.api_url, session=http)
        with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
            await authenticate(client)


def test_serve_against_an_unreachable_slack_exits_2_with_the_sentence(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    port = closed_port()
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-2-abc")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)

    host = Host(CONFIG, slack={"api_url": f"http://127.0.0.1:{port}/api/"}, data_dir=str(tmp_path))
    result = CliRunner().invoke(serve, ["--host", "127.0.0.1", "--port", "1"], obj=host)
    assert result.exit_code == 2, result.output
    assert f"Could not reach Slack at http://127.0.0.1:{port}/api/" in result.stderr
    assert "connection refused" in result.stderr
    assert "ConnectionKey" not in result.stderr
