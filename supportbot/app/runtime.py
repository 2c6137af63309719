"""Running a bot on its own event loop in a background thread, and what its start says.

The terminal reads lines on the main thread (so Ctrl-C and readline behave) while the bot, its
service clients and, in the demo, the sample services run on the loop of this thread.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Coroutine, Sequence
from concurrent.futures import Future
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any, TypeVar

import click

from supportbot.core.settings import RoleSettings, ServiceSettings, Settings
from supportbot.dispatch.bot import Bot, Outlets, open_bot
from supportbot.record.jobs import scheduled_jobs
from supportbot.record.scheduler import running_schedule
from supportbot.record.service_rollup import recording_service_calls
from supportbot.sample import DEMO_ROLES, run_sample_services
from supportbot.web.metrics import serve_configured_metrics

from . import wording as messages
from .record_demo import demo_record
from .startup_gc import resume_collection

__all__ = [
    "BotThread",
    "demo_settings",
    "open_served_bot",
    "report_loading",
    "warn_without_services",
]

T = TypeVar("T")


def report_loading(bot: Bot) -> None:
    """Print the plugins that failed to load and the bot's start-up warnings."""
    for failure in bot.plugin_failures:
        click.echo(f"supportbot: {messages.plugin_not_loaded(failure)}", err=True)
    for warning in bot.warnings:
        click.echo(f"supportbot: {messages.startup_warning(warning)}", err=True)


def warn_without_services(settings: Settings, *, demo: bool) -> None:
    """Say so when a bot starts with nothing to look things up in."""
    if not demo and not settings.services:
        click.echo(f"supportbot: {messages.no_services_configured()}", err=True)


@asynccontextmanager
async def demo_settings(settings: Settings, *, down: Sequence[str] = ()) -> AsyncIterator[Settings]:
    """Start the sample services and point the settings' services at them; a configuration
    without roles gets the demo's people (`DEMO_ROLES`).

    `down` names sample services to stop right away, to show how a dead service looks.
    """
    async with run_sample_services(latency_ms=settings.demo_latency_ms) as sample:
        for name in down:
            await sample.stop_service(name)
        services = {
            name: ServiceSettings(base_url=url, timeout_s=3.0) for name, url in sample.urls.items()
        }
        # Keep any extra services the configuration names; the sample ones take their names.
        merged = {**settings.services, **services}
        # Without roles of its own (no config file), the demo has the demo's people.
        roles = settings.roles or {
            name: RoleSettings.model_validate(role) for name, role in DEMO_ROLES.items()
        }
        yield settings.model_copy(update={"services": merged, "roles": roles})


@asynccontextmanager
async def open_served_bot(
    settings: Settings,
    *,
    demo: bool = False,
    down: Sequence[str] = (),
    outlets: Outlets | None = None,
    calls: bool = False,
) -> AsyncIterator[Bot]:
    """`open_bot` (given an adapter's `outlets`), with the sample services first when `demo`,
    and `/metrics` on its own port while the bot is open when `metrics_port` is set (a port taken
    stops the start: ConfigError). The demo's record gets a month of sample history (written in
    the background, so the start does not wait); `calls` adds the fake phone system. While it
    is open, the service calls are written each minute (for `/stats services`) and the
    scheduled jobs tick, each on one replica."""
    async with AsyncExitStack() as stack:
        if demo:
            settings = await stack.enter_async_context(demo_settings(settings, down=down))
        bot = await stack.enter_async_context(open_bot(settings, outlets=outlets))
        await stack.enter_async_context(serve_configured_metrics(settings, bot.services.metrics))
        # what /stats services reads, and the jobs one replica runs (QA sample, ...)
        await stack.enter_async_context(recording_service_calls(bot.services.metrics, bot.store))
        if demo:  # before the jobs: the first QA draw must see the sample month
            await stack.enter_async_context(demo_record(bot, calls=calls))
        await stack.enter_async_context(running_schedule(bot.store, scheduled_jobs(bot)))
        resume_collection()  # started: see startup_gc
        yield bot


class BotThread:
    """A Bot living on an event loop in a daemon thread; `call` runs a coroutine there."""

    def __init__(
        self,
        settings: Settings,
        *,
        demo: bool = False,
        down: Sequence[str] = (),
        calls: bool = False,
        outlets: Outlets | None = None,
    ) -> None:
        self._settings = settings
        self._outlets = outlets
        self._demo = demo
        self._calls = calls
        self._down = tuple(down)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._stack = AsyncExitStack()
        self.bot: Bot | None = None

    def start(self) -> Bot:
        """Open the bot (and the sample services in demo mode); raises what opening raised."""
        self._thread.start()
        self.bot = self.call(self._open())
        return self.bot

    async def _open(self) -> Bot:
        return await self._stack.enter_async_context(
            open_served_bot(
                self._settings,
                demo=self._demo,
                down=self._down,
                calls=self._calls,
                outlets=self._outlets,
            )
        )

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        """Schedule a coroutine on the bot's loop; the future can be cancelled (Ctrl-C)."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the bot's loop and wait for its result."""
        return self.submit(coro).result()

    def stop(self) -> None:
        """Close the bot and the sample services, then the loop."""
        if self._thread.is_alive():
            try:
                self.call(self._stack.aclose())
            finally:
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._thread.join(timeout=5)
        if not self._loop.is_running():
            self._loop.close()

    def __enter__(self) -> Bot:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
