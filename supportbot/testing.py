"""The plugin author's test harness: run a command as a user would, with no Slack.

Against the bundled sample services::

    async with BotTester.demo() as bot:
        reply = await bot.run("/merchant 0812-3456-7890")
        assert reply.title.startswith("Toko Sinar Jaya")

Against responses the test provides (service name -> "METHOD /path" or "/path" -> answer)::

    async with BotTester.fake({"billing": {"/accounts/M-10001": {"plan": "Pro"}}}) as bot:
        ...

An answer is a dict or list (200 JSON), an int (that status), an `httpx.Response`, or a
callable (plain or async) taking the `httpx.Request` and returning any of those.

The harness keeps the service policy (timeouts, retries, breaker) but not its waiting: the
sample services are retried with no backoff to speak of (`HARNESS_BACKOFF_S`), so a test of a
stopped or flaky service does not sleep through the delays meant for a real one. A command
folder is imported once per test session and again only when one of its files changes.
"""

from __future__ import annotations

import inspect
import json
import tempfile
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from .core.message import Message, User
from .core.plugins import find_command_folder, load_plugins
from .core.registry import CommandRegistry, spec_of
from .core.reply import Reply
from .core.settings import ServiceSettings, Settings, load_settings
from .dispatch.bot import Bot, Outlets, open_bot

__all__ = ["HARNESS_BACKOFF_S", "BotTester", "FakeAnswer", "fake_transport"]

FakeAnswer = Any
DEFAULT_USER = User(id="test:agent", name="agent", email="agent@example.id")
#: The wait between two attempts at a sample service: a millisecond at most (settings want a
#: positive backoff). Tests see every retry a real service would get, without its delays.
HARNESS_BACKOFF_S = 0.001


async def _answer(value: FakeAnswer, request: httpx.Request) -> httpx.Response:
    if callable(value) and not isinstance(value, httpx.Response):
        value = value(request)
        if inspect.isawaitable(value):
            value = await value
    if isinstance(value, httpx.Response):
        return value
    if isinstance(value, int):
        return httpx.Response(value, json={"error": f"fake status {value}"})
    return httpx.Response(
        200, content=json.dumps(value), headers={"content-type": "application/json"}
    )


def fake_transport(responses: Mapping[str, Mapping[str, FakeAnswer]]) -> httpx.MockTransport:
    """An httpx transport answering from `responses`; unmatched requests get a 404."""

    async def handle(request: httpx.Request) -> httpx.Response:
        routes = responses.get(request.url.host, {})
        path = request.url.path
        if request.url.query:
            with_query = f"{path}?{request.url.query.decode()}"
            for key in (f"{request.method} {with_query}", with_query):
                if key in routes:
                    return await _answer(routes[key], request)
        for key in (f"{request.method} {path}", path):
            if key in routes:
                return await _answer(routes[key], request)
        return httpx.Response(404, json={"error": f"no fake answer for {request.method} {path}"})

    return httpx.MockTransport(handle)


def _registry(commands: Iterable[Any] | None, settings: Settings) -> CommandRegistry | None:
    if commands is None:
        return None
    registry = CommandRegistry()
    folders: list[Path] = []
    for item in commands:
        spec = spec_of(item)
        if spec is not None:
            registry.add(spec)
        else:
            folders.append(find_command_folder(Path(item)))
    for folder in folders:
        # Files imported before are not run again unless they changed (see load_plugins).
        for spec in load_plugins([folder], entry_points=False).registry:
            registry.add(spec)
    return registry


class BotTester:
    """A bot for tests. Use `BotTester.demo()` or `BotTester.fake(...)` as async contexts."""

    def __init__(self, bot: Bot, *, user: User = DEFAULT_USER, sample: Any = None) -> None:
        self.bot = bot
        self.user = user
        #: The running sample services (demo only): `stop_service`, `set_latency`, ...
        self.sample = sample

    async def run(
        self,
        text: str,
        *,
        user: User | None = None,
        confirm: bool | None = None,
        channel: str | None = None,
    ) -> Reply:
        """Run `text` as `user`. For an action, `confirm=True` says yes, `False` says no;
        None returns the confirmation prompt itself."""
        who = user or self.user
        reply = await self.bot.handle(Message(text=text, user=who, adapter="test", channel=channel))
        if reply.confirmation is not None and confirm is not None:
            token = reply.confirmation.token
            if confirm:
                return await self.bot.actions.confirm(token, who, adapter="test", channel=channel)
            return await self.bot.actions.cancel(token, who)
        return reply

    async def expire_confirmations(self) -> int:
        """Make every open confirmation and approval expire now (to test a late click);
        returns how many there were."""
        assert self.bot.store is not None, "confirmations live in the database"
        past = datetime.now(UTC) - timedelta(seconds=1)
        return await self.bot.store.actions.expire_open(at=past)

    @classmethod
    @asynccontextmanager
    async def demo(
        cls,
        *,
        commands: Iterable[Any] | None = ("commands",),
        settings: Settings | None = None,
        latency_ms: int = 0,
        user: User = DEFAULT_USER,
        with_store: bool = True,
        outlets: Outlets | None = None,
        service_policy: Mapping[str, Any] | None = None,
    ) -> AsyncIterator[BotTester]:
        """A bot against freshly started sample services and a throwaway SQLite database.

        `commands`: command functions and/or plugin folders (default: ./commands). `outlets`:
        an adapter's escalation sink and notifiers (see `open_bot`). The sample services keep the
        default policy but are retried without backoff (`HARNESS_BACKOFF_S`); `service_policy`
        sets `[services.*]` keys for all of them, e.g. `{"timeout_s": 0.5}` to test slow
        services without waiting out the default 3 s per attempt.
        """
        from .sample import run_sample_services

        async with AsyncExitStack() as stack:
            base = settings or _throwaway_settings(stack)
            async with run_sample_services(latency_ms=latency_ms) as sample:
                services = {
                    name: ServiceSettings.model_validate(
                        {
                            "base_url": url,
                            "retry_backoff_s": HARNESS_BACKOFF_S,
                            "retry_backoff_max_s": HARNESS_BACKOFF_S,
                            **(service_policy or {}),
                        }
                    )
                    for name, url in sample.urls.items()
                }
                merged = base.model_copy(update={"services": {**base.services, **services}})
                async with open_bot(
                    merged,
                    registry=_registry(commands, merged),
                    with_store=with_store,
                    outlets=outlets,
                ) as bot:
                    yield cls(bot, user=user, sample=sample)

    @classmethod
    @asynccontextmanager
    async def fake(
        cls,
        responses: Mapping[str, Mapping[str, FakeAnswer]],
        *,
        commands: Iterable[Any] | None = ("commands",),
        settings: Settings | None = None,
        user: User = DEFAULT_USER,
        with_store: bool = True,
        outlets: Outlets | None = None,
    ) -> AsyncIterator[BotTester]:
        """A bot whose services answer from `responses` (see the module docstring).

        `settings` replaces the throwaway settings (its services are replaced by the fakes).

        The fake services are not retried: a fixed answer would only come again, and a test of
        a 503 should not wait out the backoff.
        """
        async with AsyncExitStack() as stack:
            base = settings or _throwaway_settings(stack)
            services = {
                name: ServiceSettings(base_url=f"http://{name}", retries=0) for name in responses
            }
            merged = base.model_copy(update={"services": services})
            async with open_bot(
                merged,
                registry=_registry(commands, merged),
                transport=fake_transport(responses),
                with_store=with_store,
                outlets=outlets,
            ) as bot:
                yield cls(bot, user=user)


def _throwaway_settings(stack: AsyncExitStack) -> Settings:
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="supportbot-test-")))
    return load_settings(
        None, data_dir=str(folder), database_url=f"sqlite:///{folder / 'supportbot.db'}"
    )
