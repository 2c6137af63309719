"""What every subcommand gets from the `supportbot` group: the settings, the adapters' additions,
and a bot opened for them (`Env`, the click context object).

Cheap to import (`supportbot --help` imports it): the settings, pydantic, the adapters' tables
and the bot are imported when a subcommand first asks for them, not before.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from supportbot.core.console import fail

if TYPE_CHECKING:
    from supportbot.core.settings import Settings, SettingsTable
    from supportbot.dispatch.bot import Bot, Outlets
    from supportbot.slack import DoctorCheck

__all__ = ["Adapters", "Env", "pass_env", "registered_adapters"]


@dataclass
class Adapters:
    """What the adapters added to the application through their `register` hook: tables of the
    configuration, and checks for `supportbot doctor`. (Their subcommands are listed apart, by
    cheap `CommandEntry`s, in `supportbot.app.cli`.)"""

    tables: list[SettingsTable[Any]] = field(default_factory=list)
    doctor_checks: list[DoctorCheck] = field(default_factory=list)

    def add_settings_table(self, table: SettingsTable[Any]) -> None:
        """A table of the configuration, validated with the rest at start."""
        self.tables.append(table)

    def add_doctor_check(self, check: DoctorCheck) -> None:
        """A check `supportbot doctor` runs after the services and the database."""
        self.doctor_checks.append(check)


_REGISTERED: list[Adapters] = []


def registered_adapters() -> Adapters:
    """What the adapters registered, their hooks run on the first call (not at import: the
    hooks import the adapters' settings models)."""
    if not _REGISTERED:
        # The one place that knows every adapter: each adds itself through its `register` hook.
        from supportbot.slack import register as register_slack

        adapters = Adapters()
        register_slack(adapters)
        _REGISTERED.append(adapters)
    return _REGISTERED[0]


class Env:
    """What the group options decided, handed to every subcommand (the adapters' subcommands
    see it as their host, e.g. `supportbot.slack.SlackHost`)."""

    def __init__(self, config: Path | None, adapters: Adapters | None = None) -> None:
        self.config = config
        self._adapters = adapters
        self._settings: Settings | None = None

    @property
    def adapters(self) -> Adapters:
        """The adapters' tables and doctor checks (registered on first use)."""
        if self._adapters is None:
            self._adapters = registered_adapters()
        return self._adapters

    def settings(self, **overrides: Any) -> Settings:
        """Load (once) and return the settings, the adapters' tables included; exit 2 with the
        reason when they are invalid. Old keys still read are logged once, at WARNING."""
        from supportbot.core.errors import ConfigError
        from supportbot.core.logs import configure_logging
        from supportbot.core.settings import load_settings

        if self._settings is None or overrides:
            import logging  # here: `supportbot --help` has no use for it

            try:
                settings = load_settings(self.config, tables=self.adapters.tables, **overrides)
            except ConfigError as exc:
                fail(str(exc))
            configure_logging(settings)
            for line in settings.deprecations:
                logging.getLogger("supportbot.settings").warning(line)
            if overrides:
                return settings
            self._settings = settings
        return self._settings

    def web_routes(self, bot: Bot, post_card: Any) -> list[Any]:
        """What the Slack HTTP server serves beside /slack/events: the incoming-calls webhook,
        when its shared secret is set (see `supportbot.app.record_demo.calls_routes`)."""
        from .record_demo import calls_routes

        return calls_routes(bot, post_card)

    def web_pages(self, bot: Bot) -> Any:
        """What Slack's HTTP mode mounts beside /slack/events too: the dashboard, when
        SUPPORTBOT_DASHBOARD_TOKEN is set (None otherwise; see `supportbot.app.dashboard_pages`)."""
        from .dashboard_pages import dashboard_pages

        return dashboard_pages(bot)

    @asynccontextmanager
    async def open_bot(
        self, settings: Settings, *, demo: bool = False, outlets: Outlets | None = None
    ) -> AsyncIterator[Bot]:
        """The bot for `settings`, on the sample services when `demo`, with `/metrics` on its
        own port when `metrics_port` is set; what went wrong at start is printed."""
        from .runtime import open_served_bot, report_loading, warn_without_services

        warn_without_services(settings, demo=demo)
        async with open_served_bot(settings, demo=demo, outlets=outlets) as bot:
            report_loading(bot)
            yield bot


#: Hands a subcommand the group's `Env` as its first argument.
pass_env = click.make_pass_decorator(Env)
