"""Servers on loopback that fail on purpose and count what reached them, and bots built on them.

Everything listens on 127.0.0.1 and is stopped by its fixture.
"""

from __future__ import annotations

import asyncio
import functools
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from prometheus_client import CollectorRegistry

import supportbot.sample._runner as sample_runner
import supportbot.services.guard as guard_module
from supportbot.core.plugins import load_plugins
from supportbot.core.registry import spec_of
from supportbot.core.settings import ServiceSettings, Settings, load_settings
from supportbot.dispatch.bot import open_bot
from supportbot.sample import SampleServices, run_sample_services
from supportbot.services.breaker import CircuitBreaker
from supportbot.services.metrics import Metrics
from supportbot.testing import HARNESS_BACKOFF_S, BotTester
from tests.loopback import serve_app

ROOT = Path(__file__).resolve().parents[2]


# --- time the test moves ------------------------------------------------------------------------


class ManualClock:
    """A monotonic clock that stands still until the test moves it (`now += seconds`)."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def breaker_clock(monkeypatch: pytest.MonkeyPatch) -> ManualClock:
    """The clock of every circuit breaker a service guard builds in this test.

    A breaker's reset and window then pass when the test says, not after a real wait; timeouts
    and the event loop keep real time.
    """
    clock = ManualClock()
    monkeypatch.setattr(
        guard_module, "CircuitBreaker", functools.partial(CircuitBreaker, clock=clock)
    )
    return clock


# --- a backend that fails on demand ------------------------------------------------------------


@dataclass
class Backend:
    """Counts every request by "METHOD /path" and answers as the test says."""

    url: str = ""
    hits: Counter[str] = field(default_factory=Counter)
    #: "METHOD /path" -> statuses to answer in turn (the last one repeats); default 200.
    script: dict[str, list[int]] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    bodies: dict[str, Any] = field(default_factory=dict)
    #: Seconds to wait before answering, by "METHOD /path".
    delays: dict[str, float] = field(default_factory=dict)

    def answer(self, key: str, *statuses: int, headers: dict[str, str] | None = None) -> None:
        self.script[key] = list(statuses)
        if headers:
            self.headers[key] = headers


def _backend_app(state: Backend) -> web.Application:
    async def handle(request: web.Request) -> web.StreamResponse:
        key = f"{request.method} {request.path}"
        state.hits[key] += 1
        await request.read()
        delay = state.delays.get(key)
        if delay:
            await asyncio.sleep(delay)
        statuses = state.script.get(key, [200])
        status = statuses.pop(0) if len(statuses) > 1 else statuses[0]
        body = state.bodies.get(key, {"ok": status < 400})
        return web.json_response(body, status=status, headers=state.headers.get(key))

    app = web.Application()
    app.router.add_route("*", r"/{tail:.*}", handle)
    return app


@pytest.fixture
async def backend() -> AsyncIterator[Backend]:
    state = Backend()
    async with serve_app(_backend_app(state), shutdown_timeout=0.1) as url:
        state.url = url
        yield state


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def metrics(registry: CollectorRegistry) -> Metrics:
    """Metrics on a registry of their own, so a test counts from zero."""
    return Metrics(registry)


def sample_value(registry: CollectorRegistry, name: str, **labels: str) -> float:
    """A metric's value now (0 when it has not been touched yet)."""
    return registry.get_sample_value(name, labels) or 0.0


# --- the sample services, counting what reaches them -------------------------------------------


@pytest.fixture
def sample_hits(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every request any sample service started in this test receives, as "service METHOD path".

    Counted by a middleware put in front of each service's app, so requests a service fails on
    purpose (flaky, error) are counted too: this is the service's own view.
    """
    hits: Counter[str] = Counter()
    build = sample_runner.build_app

    def counting_build_app(name: str, *args: Any) -> web.Application:
        app = build(name, *args)

        @web.middleware
        async def count(request: web.Request, handler: Any) -> web.StreamResponse:
            hits[f"{name} {request.method} {request.path}"] += 1
            response: web.StreamResponse = await handler(request)
            return response

        app.middlewares.insert(0, count)
        return app

    monkeypatch.setattr(sample_runner, "build_app", counting_build_app)
    return hits


@asynccontextmanager
async def sample_bot(
    tmp_path: Path,
    *,
    policy: dict[str, Any] | None = None,
    per_service: dict[str, dict[str, Any]] | None = None,
    extra_commands: tuple[Any, ...] = (),
    **settings_overrides: Any,
) -> AsyncIterator[tuple[BotTester, SampleServices]]:
    """The bundled commands against the sample services, with a chosen service policy.

    As in `BotTester.demo`, retries wait no backoff to speak of unless `policy` says otherwise.
    """
    no_backoff = {"retry_backoff_s": HARNESS_BACKOFF_S, "retry_backoff_max_s": HARNESS_BACKOFF_S}
    async with AsyncExitStack() as stack:
        sample = await stack.enter_async_context(run_sample_services())
        services = {
            name: ServiceSettings(
                base_url=url,
                **{**no_backoff, **(policy or {}), **(per_service or {}).get(name, {})},
            )
            for name, url in sample.urls.items()
        }
        settings: Settings = load_settings(
            None,
            data_dir=str(tmp_path),
            database_url=f"sqlite:///{tmp_path / 'bot.db'}",
            **settings_overrides,
        ).model_copy(update={"services": services})
        registry = load_plugins([ROOT / "commands"], entry_points=False).registry
        for function in extra_commands:
            spec = spec_of(function)
            assert spec is not None
            registry.add(spec)
        bot = await stack.enter_async_context(open_bot(settings, registry=registry))
        yield BotTester(bot, sample=sample), sample
