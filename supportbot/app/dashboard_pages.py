"""The dashboard beside /slack/events: what Slack's HTTP mode mounts when the application offers
it (`Env.web_pages`). Apart from `dashboard_cli`, which imports `env`: `env` imports this.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web

    from supportbot.dispatch.bot import Bot

__all__ = ["dashboard_pages"]

log = logging.getLogger("supportbot.web")


def dashboard_pages(bot: Bot) -> Callable[[web.Application], None] | None:
    """Mounts the dashboard on an HTTP server of the bot (Slack's HTTP mode), when
    SUPPORTBOT_DASHBOARD_TOKEN is set and the bot has a database; None otherwise (logged)."""
    from supportbot.record.insight import Insight
    from supportbot.web.dashboard import DASHBOARD_PATH, dashboard_token, mount_dashboard

    token = dashboard_token()
    if token is None or bot.store is None:
        log.info("no dashboard at %s: SUPPORTBOT_DASHBOARD_TOKEN is not set", DASHBOARD_PATH)
        return None
    insight = Insight(bot.store, bot.settings, bot.registry)

    def mount(app: web.Application) -> None:
        mount_dashboard(app, insight, token)

    return mount
