"""The running bot: loaded commands, service clients, the store, and the dispatch chain.

Adapters (terminal, Slack, tests) hold one Bot and hand it Messages; that is all they do.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import httpx

from supportbot.access.ratelimit import check_rate_limits
from supportbot.access.roles import check_channels, check_command_roles, check_roles
from supportbot.actions.desk import ActionDesk
from supportbot.core.errors import ConfigError
from supportbot.core.masking import style_of, use_mask_style
from supportbot.core.message import Message, User
from supportbot.core.plugins import PluginFailure, load_plugins
from supportbot.core.registry import CommandRegistry, CommandSpec
from supportbot.core.reply import Reply
from supportbot.core.settings import Settings
from supportbot.services.alerts import ErrorRateMonitor
from supportbot.services.clients import Services
from supportbot.services.metrics import default_metrics
from supportbot.storage import Store, create_store, is_up_to_date, upgrade
from supportbot.storage import wording as messages

from .chain import Middleware, Request, run_chain
from .handler import run_handler
from .middleware import DEFAULT_CHAIN

__all__ = ["Bot", "open_bot", "open_store"]

log = logging.getLogger("supportbot")


class Bot:
    """One bot: hand it messages, get replies. Create it with `open_bot`."""

    def __init__(
        self,
        *,
        settings: Settings,
        registry: CommandRegistry,
        services: Services,
        store: Store | None,
        plugin_failures: Sequence[PluginFailure] = (),
        warnings: Sequence[str] = (),
        chain: Sequence[Middleware] = DEFAULT_CHAIN,
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.services = services
        self.store = store
        self.plugin_failures = list(plugin_failures)
        #: What the start found doubtful but not fatal (a command naming an unknown role).
        self.warnings = list(warnings)
        #: Confirmations, approvals and escalations of declared actions.
        self.actions = ActionDesk(self)
        self._dispatch = run_chain(chain, run_handler)

    def timeout_for(self, spec: CommandSpec | None) -> float:
        """The deadline of one run of `spec`, in seconds."""
        if spec is not None and spec.timeout_s is not None:
            return spec.timeout_s
        return self.settings.command_timeout_s

    async def handle(self, message: Message) -> Reply:
        """Run one message through the chain. Never raises for anything the user typed."""
        return await self._dispatch(Request(bot=self, message=message))

    async def dispatch(self, request: Request) -> Reply:
        """Run a prepared request through the chain (the action desk's confirmed runs)."""
        return await self._dispatch(request)

    async def confirm(
        self, token: str, user: User, *, adapter: str = "terminal", channel: str | None = None
    ) -> Reply:
        """The requester said yes: run the pending action once, as that same user.

        A token that is unknown, used, expired or someone else's gets a refusal, never a run.
        """
        return await self.actions.confirm(token, user, adapter=adapter, channel=channel)

    async def cancel(
        self, token: str, user: User, *, adapter: str = "terminal", channel: str | None = None
    ) -> Reply:
        """The requester said no: drop the pending action."""
        return await self.actions.cancel(token, user, adapter=adapter, channel=channel)

    async def approve(
        self, token: str, user: User, *, adapter: str = "terminal", channel: str | None = None
    ) -> Reply:
        """A member of the approving role said yes to someone else's action: it runs once."""
        return await self.actions.approve(token, user, adapter=adapter, channel=channel)

    async def reject(
        self, token: str, user: User, *, adapter: str = "terminal", channel: str | None = None
    ) -> Reply:
        """A member of the approving role said no: nothing happens."""
        return await self.actions.reject(token, user, adapter=adapter, channel=channel)


async def open_store(settings: Settings) -> Store:
    """Open the database; migrate an embedded SQLite file, insist on migrations elsewhere."""
    url = settings.effective_database_url
    if url.startswith("sqlite"):
        await asyncio.to_thread(upgrade, url)
    elif not await asyncio.to_thread(is_up_to_date, url):
        raise ConfigError(messages.database_not_migrated())
    return create_store(url)


@asynccontextmanager
async def open_bot(
    settings: Settings,
    *,
    registry: CommandRegistry | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    with_store: bool = True,
) -> AsyncIterator[Bot]:
    """Load the plugins, open the service clients and the store; close them all on exit."""
    failures: list[PluginFailure] = []
    if registry is None:
        report = load_plugins(
            settings.effective_command_folders, entry_points=settings.load_entry_points
        )
        registry, failures = report.registry, report.failures
        for failure in failures:
            log.error("plugin failed to load: %s", failure)
    use_mask_style(style_of(settings))
    problems = check_roles(registry, settings) + check_channels(registry, settings)
    problems += check_rate_limits(registry, settings)
    if problems:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))
    warnings = check_command_roles(registry, settings)
    for warning in warnings:
        log.warning("%s", warning)
    store = await open_store(settings) if with_store else None
    metrics = default_metrics()
    services = Services(
        settings.services,
        transport=transport,
        metrics=metrics,
        monitor=ErrorRateMonitor.from_settings(settings, metrics=metrics),
    )
    try:
        yield Bot(
            settings=settings,
            registry=registry,
            services=services,
            store=store,
            plugin_failures=failures,
            warnings=warnings,
        )
    finally:
        await services.close()
        if store is not None:
            await store.close()
