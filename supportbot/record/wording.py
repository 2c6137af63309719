"""What the support record and its stats say to people: every sentence in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .insight import TimeSaved

__all__ = [
    "chart_description",
    "stats_need_database",
    "time_saved",
    "time_saved_method",
]


def _minutes(value: float) -> str:
    return f"{value:g}"


def time_saved_method(baseline: float, bot: float) -> str:
    """How the time-saved figure is made: the sentence always shown next to it."""
    return (
        f"Method: each successful lookup or action about a customer (from the audit trail) "
        f"counts as {_minutes(baseline)} minutes before the bot and {_minutes(bot)} with it "
        f"([stats] baseline_minutes and bot_minutes); saved = count × "
        f"{_minutes(baseline - bot)} min."
    )


def time_saved(period: str, saved: TimeSaved) -> str:
    """`last 7 days: 1,240 lookups and 85 actions; at 8.75 → 1.3 min each, about 165 hours
    saved`."""
    lookups = f"{saved.lookups:,} lookup{'' if saved.lookups == 1 else 's'}"
    actions = f"{saved.actions:,} action{'' if saved.actions == 1 else 's'}"
    hours = saved.hours
    about = f"about {hours:,.0f} hours" if hours >= 10 else f"about {hours:,.1f} hours"
    return (
        f"last {period}: {lookups} and {actions}; at {_minutes(saved.baseline_minutes)} → "
        f"{_minutes(saved.bot_minutes)} min each, {about} saved"
    )


def stats_need_database() -> str:
    """A stats command on a bot started without a database."""
    return (
        "The stats are read from the bot's database, and this bot runs without one. "
        "Start it with a database (the default SQLite file, or SUPPORTBOT_DATABASE_URL)."
    )


def chart_description(what: str, values: list[tuple[str, str]]) -> str:
    """A chart's alt text: `Bar chart of runs per command: /merchant 1,240, /help 85.`"""
    if not values:
        return f"Bar chart of {what}: nothing in this period."
    return f"Bar chart of {what}: " + ", ".join(f"{name} {value}" for name, value in values) + "."
