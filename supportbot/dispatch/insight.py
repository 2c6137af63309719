"""`insight_of(ctx)`: the stats of the bot a command runs in (`supportbot.record.insight`),
for the bundled `/stats` and for plugins that show numbers of their own; `qa_of(ctx)`: the QA
review (`/qa`, `/stats qa`)."""

from __future__ import annotations

from supportbot.core.errors import UsageError
from supportbot.core.settings import kpi_settings
from supportbot.record import wording as messages
from supportbot.record.insight import Insight
from supportbot.record.qa_desk import QaDesk

from .context import Context

__all__ = ["insight_of", "qa_of"]


def insight_of(ctx: Context) -> Insight:
    """The stats of `ctx`'s bot; a UsageError telling how to fix it when it has no database."""
    if ctx.store is None:
        raise UsageError(messages.stats_need_database())
    return Insight(ctx.store, ctx.settings, ctx.commands)


def qa_of(ctx: Context) -> QaDesk:
    """The QA review for `ctx`'s run (`supportbot.record.qa_desk`); a UsageError telling how
    to fix it when the bot has no database."""
    if ctx.store is None:
        raise UsageError(messages.record_needs_database())
    return QaDesk(ctx.store, kpi_settings(ctx.settings), ctx.user, ctx.roles)
