"""The scheduled jobs of a bot (each run on one replica through a lease; see `scheduler`)."""

from __future__ import annotations

from typing import Protocol

from supportbot.core.settings import Settings
from supportbot.storage import Store

from .scheduler import LeasedJob

__all__ = ["scheduled_jobs"]


class _Bot(Protocol):
    @property
    def settings(self) -> Settings: ...

    store: Store | None


def scheduled_jobs(bot: _Bot) -> list[LeasedJob]:
    """The jobs `bot` schedules (none without a database)."""
    if bot.store is None:
        return []
    return []
