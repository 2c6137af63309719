"""The running bot: loaded commands, service clients, the store, and the dispatch chain.

Adapters (terminal, Slack, tests) hold one Bot and hand it Messages; that is all they do.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx

from supportbot.access import roles as access
from supportbot.access.ratelimit import check_rate_limits
from supportbot.access.roles import (
    check_channels,
    check_command_roles,
    check_role_members,
    check_roles,
)
from supportbot.actions.desk import ActionDesk, RequesterNotifier
from supportbot.actions.escalation import EscalationSink
from supportbot.actions.runs import ConfirmedRun
from supportbot.core.errors import ConfigError
from supportbot.core.masking import style_of, use_mask_style
from supportbot.core.message import Message, User
from supportbot.core.outlets import LeadsOutlet
from supportbot.core.plugins import PluginFailure, load_plugins
from supportbot.core.posting import ChannelPoster
from supportbot.core.progress import ProgressOutlet
from supportbot.core.registry import CommandRegistry
from supportbot.core.reply import Reply
from supportbot.core.settings import Settings
from supportbot.record.knowledge.snippets import seed_library
from supportbot.record.settings import record_settings
from supportbot.services.alerts import AlertNotifier, ErrorRateMonitor
from supportbot.services.clients import Services
from supportbot.services.metrics import default_metrics
from supportbot.storage import StorageHealth, Store, create_store, is_up_to_date, upgrade
from supportbot.storage import wording as messages

from .chain import Request, ResolvedRequest
from .context import Context
from .handler import build_context, run_handler
from .middleware import default_links

__all__ = ["Bot", "Outlets", "open_bot", "open_store"]

log = logging.getLogger("supportbot")


@dataclass(frozen=True)
class Outlets:
    """Where the core sends what is not the answer to a message, lent by an adapter when the bot
    is opened: escalations (the log without one), the note to a requester whose request an
    approver decided (none without one), service alerts (the log without one), the progress
    of long runs (none without one)."""

    escalation_sink: EscalationSink | None = None
    requester_notifier: RequesterNotifier | None = None
    alert_notifier: AlertNotifier | None = None
    #: Shows the progress of long runs (a bulk notice); none: only the final answer.
    progress: ProgressOutlet | None = None
    #: Posts to channels and edits those posts (early warnings, the daily share); none: they
    #: are recorded and shown to the requester only.
    poster: ChannelPoster | None = None
    #: Tells the support leads what cannot wait (a low CSAT); none: the log.
    leads: LeadsOutlet | None = None


class Bot:
    """One bot: hand it messages, get replies. Create it with `open_bot`."""

    def __init__(
        self,
        *,
        settings: Settings,
        registry: CommandRegistry,
        services: Services,
        store: Store | None,
        outlets: Outlets | None = None,
        plugin_failures: Sequence[PluginFailure] = (),
        warnings: Sequence[str] = (),
    ) -> None:
        outlets = outlets or Outlets()
        self._settings = settings
        self.registry = registry
        self.services = services
        self.store = store
        self._outlets = outlets
        self.plugin_failures = list(plugin_failures)
        #: What the start found doubtful but not fatal (a command naming an unknown role).
        self.warnings = list(warnings)
        #: Confirmations, approvals and escalations of declared actions.
        self.actions = ActionDesk(
            store=store,
            run_confirmed=self._run_confirmed,
            roles_of=self.roles_of,
            confirm_ttl_s=settings.confirm_ttl_s,
            escalation_sink=outlets.escalation_sink,
            requester_notifier=outlets.requester_notifier,
            decision_timeout_s=settings.command_timeout_s,
        )
        #: The chain's links, stage by stage (the Slack ack runs `resolve` and `validate`).
        self.links = default_links(
            settings=settings,
            registry=registry,
            metrics=services.metrics,
            store=store,
            desk=self.actions,
            new_context=self._new_context,
        )
        self._run = self.links.around(run_handler)

    @property
    def settings(self) -> Settings:
        """The settings the bot was built with (its links hold them: see `with_settings`)."""
        return self._settings

    def with_settings(self, settings: Settings) -> Bot:
        """This bot's commands, services, store and outlets under other settings (tests use it
        to reconfigure a running bot). The services keep the settings they were opened with."""
        return Bot(
            settings=settings,
            registry=self.registry,
            services=self.services,
            store=self.store,
            outlets=self._outlets,
            plugin_failures=self.plugin_failures,
            warnings=self.warnings,
        )

    @property
    def poster(self) -> ChannelPoster | None:
        """What posts to channels for this bot (the adapter's), if anything."""
        return self._outlets.poster

    def database_health(self) -> StorageHealth | None:
        """Whether the database takes writes now, and what waits in the spool (None without a
        database): what `/status` and the adapters' readiness probes show."""
        return self.store.health() if self.store is not None else None

    def roles_of(self, user: User) -> frozenset[str]:
        """Every role `user` has under the bot's settings (the default role included)."""
        return access.roles_of(user, self._settings)

    def request(self, message: Message, *, confirmed: ConfirmedRun | None = None) -> Request:
        """A new run of `message`, its sender's roles worked out, as the chain takes it."""
        return Request(message=message, roles=self.roles_of(message.user), confirmed=confirmed)

    async def handle(self, message: Message) -> Reply:
        """Run one message through the chain. Never raises for anything the user typed."""
        return await self._run(self.request(message))

    async def _run_confirmed(self, run: ConfirmedRun) -> Reply:
        """The action desk's confirmed runs: the same chain, as the deciding user."""
        return await self._run(self.request(run.message, confirmed=run))

    def _new_context(self, request: ResolvedRequest) -> Context:
        """The context of one run (for `validate`): this bot's settings, services and store."""
        return build_context(
            request,
            settings=self._settings,
            services=self.services,
            store=self.store,
            commands=self.registry,
            actions=self.actions,
            progress=self._outlets.progress,
            poster=self._outlets.poster,
            leads=self._outlets.leads,
        )


async def open_store(settings: Settings) -> Store:
    """Open the database; migrate an embedded SQLite file, insist on migrations elsewhere."""
    url = settings.effective_database_url
    if url.startswith("sqlite"):
        await asyncio.to_thread(upgrade, url)
    elif not await asyncio.to_thread(is_up_to_date, url):
        raise ConfigError(messages.database_not_migrated())
    # Rows the database cannot take wait in the data folder (`<data_dir>/<file>-spool` or
    # `spool-<id>` for PostgreSQL), which the bot must be able to write anyway.
    store = create_store(url, spool_dir=settings.data_dir)
    store.start()  # rows left in the spool by a stopped bot are replayed now
    return store


@asynccontextmanager
async def open_bot(
    settings: Settings,
    *,
    registry: CommandRegistry | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    with_store: bool = True,
    outlets: Outlets | None = None,
) -> AsyncIterator[Bot]:
    """Load the plugins, open the service clients and the store; close them all on exit.

    `outlets` are what an adapter lends the core (the Slack adapter: its engineering channel,
    its note to requesters, its ops channel), given here so nothing is rewired later. Pending
    alerts are delivered before this returns, so an adapter's connection must outlive the bot.
    """
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
    record_settings(settings)  # the [record] table: a ConfigError now, not at the first /tag
    if problems:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))
    warnings = check_command_roles(registry, settings) + check_role_members(settings)
    for warning in warnings:
        log.warning("%s", warning)
    store = await open_store(settings) if with_store else None
    if store is not None:
        try:
            await seed_library(store, settings)
        except BaseException:
            await store.close()
            raise
    metrics = default_metrics()
    alerts = outlets.alert_notifier if outlets is not None else None
    monitor = ErrorRateMonitor.from_settings(settings, notifier=alerts, metrics=metrics)
    services = Services(settings.services, transport=transport, metrics=metrics, monitor=monitor)
    try:
        yield Bot(
            settings=settings,
            registry=registry,
            services=services,
            store=store,
            outlets=outlets,
            plugin_failures=failures,
            warnings=warnings,
        )
    finally:
        await services.close()  # delivers pending alerts too
        if store is not None:
            await store.close()
