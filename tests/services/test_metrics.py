"""Prometheus /metrics: the counters are exposed over HTTP and move as commands run."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import httpx
import pytest
from aiohttp import web
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from supportbot import ConfigError, Outcome
from supportbot.app.runtime import open_served_bot
from supportbot.core.settings import load_settings
from supportbot.services.metrics import Metrics
from supportbot.web.metrics import METRICS_APP_KEY, metrics_handler, serve_metrics
from tests.loopback import loopback_client

from .conftest import sample_bot


def scraped(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a /metrics page: (name, sorted labels) -> value."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(page: dict, name: str, **labels: str) -> float:
    return page.get((name, tuple(sorted(labels.items()))), 0.0)


async def scrape(url: str) -> dict:
    async with loopback_client() as client:
        response = await client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return scraped(response.text)


async def test_metrics_move_as_commands_run(tmp_path: Path) -> None:
    async with (
        sample_bot(tmp_path, policy={"retries": 0, "breaker_failures": 2}) as (bot, sample),
        serve_metrics("127.0.0.1", 0) as url,
    ):
        before = await scrape(url)
        assert (await bot.run("/merchant M-10001")).outcome is Outcome.OK
        assert (await bot.run("/merchant M-99999")).outcome is Outcome.NOT_FOUND
        assert (await bot.run("/nonsense")).outcome is Outcome.REJECTED
        await sample.stop_service("devices")
        for _ in range(3):
            await bot.run("/merchant M-10001")
        after = await scrape(url)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("supportbot_commands_total", command="merchant", outcome="ok") == 4
    assert moved("supportbot_commands_total", command="merchant", outcome="not_found") == 1
    # Whatever a user types, only registered names become labels.
    assert moved("supportbot_commands_total", command="unknown", outcome="rejected") == 1
    assert value(after, "supportbot_commands_total", command="nonsense", outcome="rejected") == 0
    assert moved("supportbot_command_duration_seconds_count", command="merchant") == 5
    assert moved("supportbot_service_calls_total", service="billing", outcome="ok") == 4
    assert moved("supportbot_service_calls_total", service="devices", outcome="refused") == 2
    assert moved("supportbot_service_calls_total", service="devices", outcome="circuit_open") == 1
    assert moved("supportbot_service_errors_total", service="devices", kind="refused") == 2
    assert moved("supportbot_service_call_duration_seconds_count", service="merchants") == 5
    assert value(after, "supportbot_circuit_breaker_state", service="devices") == 2
    assert value(after, "supportbot_circuit_breaker_state", service="billing") == 0
    assert moved("supportbot_circuit_breaker_opened_total", service="devices") == 1
    assert ("process_resident_memory_bytes", ()) in after  # the default registry's extras


async def test_the_handler_mounts_on_any_aiohttp_app() -> None:
    own = Metrics(CollectorRegistry())
    own.commands.labels("help", "ok").inc(3)
    app = web.Application()
    app[METRICS_APP_KEY] = own
    app.router.add_get("/metrics", metrics_handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        page = await scrape(f"http://{host}:{port}/metrics")
    finally:
        await runner.cleanup()
    assert value(page, "supportbot_commands_total", command="help", outcome="ok") == 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def served_on_a_free_port(tmp_path: Path) -> AsyncIterator[int]:
    """`open_served_bot` with /metrics on a port that was free a moment ago; yields the port.

    The setting needs a number, not 0, so another process (a parallel test) may take the port
    in between: then it tries another one.
    """
    for _ in range(5):
        port = free_port()
        settings = load_settings(
            None,
            data_dir=str(tmp_path),
            database_url=f"sqlite:///{tmp_path / 'bot.db'}",
            command_folders=[],
            metrics_port=port,
        )
        stack = AsyncExitStack()
        try:
            await stack.enter_async_context(open_served_bot(settings))
        except ConfigError as error:
            if f"cannot listen on 127.0.0.1:{port}" not in str(error):
                raise
            continue
        async with stack:
            yield port
        return
    pytest.fail("five free ports in a row were taken before the bot could listen on them")


async def test_metrics_port_serves_while_the_bot_is_open(tmp_path: Path) -> None:
    async with served_on_a_free_port(tmp_path) as port, loopback_client() as client:
        response = await client.get(f"http://127.0.0.1:{port}/metrics")
        assert response.status_code == 200
        assert "# HELP supportbot_commands_total" in response.text
        assert "# HELP supportbot_circuit_breaker_state" in response.text
    with pytest.raises(httpx.ConnectError):
        await scrape(f"http://127.0.0.1:{port}/metrics")


async def test_a_taken_metrics_port_stops_the_start_naming_it(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = load_settings(
            None, data_dir=str(tmp_path), command_folders=[], metrics_port=port
        )
        with pytest.raises(ConfigError, match=f"metrics_port: cannot listen on 127.0.0.1:{port}"):
            async with open_served_bot(settings):
                pass
