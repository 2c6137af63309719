"""How the timeline reads: one line per event, and the `--since` windows (`7d`, `24h`)."""

from __future__ import annotations

import re
from datetime import timedelta

from supportbot.core.errors import UsageError
from supportbot.core.masking import mask_text
from supportbot.storage import TimelineEvent

from . import wording as messages

__all__ = ["parse_window", "timeline_line"]

_WINDOW = re.compile(r"(\d{1,4})\s*([mhdw])", re.IGNORECASE)
_UNIT = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
LONGEST = timedelta(days=366)

_KIND = {
    "opened": "📞",
    "closed": "✅",
    "reopened": "↩",
    "note": "📝",
    "note_retracted": "🗑",
    "tagged": "🏷",
    "untagged": "🏷",
    "alias_saved": "☎",
    "alias_removed": "☎",
    "command": "🔎",
    "request": "💡",
    "notice": "📣",
}


def parse_window(text: str) -> timedelta:
    """`7d` -> 7 days (m, h, d, w); UsageError for anything else or more than a year."""
    match = _WINDOW.fullmatch(text.strip())
    if match is None:
        raise UsageError(messages.bad_window(text), example="/timeline M-10001 --since 7d")
    window = timedelta(**{_UNIT[match.group(2).lower()]: int(match.group(1))})
    if window > LONGEST:
        raise UsageError(messages.bad_window(text), example="/timeline M-10001 --since 30d")
    return window


def timeline_line(event: TimelineEvent, region: str = "ID") -> str:
    """`2026-11-12 09:14 UTC 📝 ani: N-4K2P9Q: asked about QRIS [I-7K3QX2]`."""
    mark = _KIND.get(event.kind, "•")
    where = (
        f" [{event.interaction_ref}]" if event.interaction_ref and event.kind != "command" else ""
    )
    who = event.actor_name or event.actor_id
    summary = mask_text(event.summary, region)
    return f"{event.at:%Y-%m-%d %H:%M} UTC {mark} {who}: {summary}{where}"
