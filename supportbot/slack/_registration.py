"""What the Slack adapter adds to the application, through the hook the app calls at start.

`register(app)` gives the app Slack's `[slack]` table of the configuration and its line in
`supportbot doctor`; the app calls it when a subcommand first needs the settings. Slack's
subcommands (`run`, `serve`, `manifest`) are listed apart, from `SLACK_ENTRIES` (`_entries.py`),
so that `supportbot --help` imports none of this. The app implements `AdapterRegistry` (it is the
one place that imports every layer); the adapter never imports it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from supportbot.core.settings import Settings, SettingsTable
from supportbot.services.health import ServiceHealth

from ._doctor import check_slack
from ._settings import SLACK_TABLE

__all__ = ["AdapterRegistry", "DoctorCheck", "register"]

#: One line of `supportbot doctor`: the health of something the bot depends on.
DoctorCheck = Callable[[Settings], Awaitable[ServiceHealth]]


class AdapterRegistry(Protocol):
    """What the application lets an adapter add to it."""

    def add_settings_table(self, table: SettingsTable[Any]) -> None:
        """A table of the configuration, validated with the rest at start."""
        ...

    def add_doctor_check(self, check: DoctorCheck) -> None:
        """A check `supportbot doctor` runs after the services and the database."""
        ...


def register(app: AdapterRegistry) -> None:
    """Add Slack to the application: its `[slack]` table, its doctor check."""
    app.add_settings_table(SLACK_TABLE)
    app.add_doctor_check(check_slack)
