"""`insight_of(ctx)`: the stats of the bot a command runs in (`supportbot.record.insight`),
for the bundled `/stats` and for plugins that show numbers of their own."""

from __future__ import annotations

from supportbot.core.errors import UsageError
from supportbot.record import wording as messages
from supportbot.record.insight import Insight

from .context import Context

__all__ = ["insight_of"]


def insight_of(ctx: Context) -> Insight:
    """The stats of `ctx`'s bot; a UsageError telling how to fix it when it has no database."""
    if ctx.store is None:
        raise UsageError(messages.stats_need_database())
    return Insight(ctx.store, ctx.settings, ctx.commands)
