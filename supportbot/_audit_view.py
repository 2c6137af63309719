"""`supportbot audit`: parsing its filters and printing records as a table."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

__all__ = ["parse_since", "render_audit_table"]

_RELATIVE = re.compile(r"^\s*(\d{1,6})\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str, *, now: datetime) -> datetime:
    """`30m`, `2h`, `7d`, `1w` before `now`, or an ISO date/time (UTC when no zone is given)."""
    match = _RELATIVE.match(text)
    if match:
        return now - timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"--since {text!r}: use a duration like 30m, 2h, 7d or a date like 2026-11-01"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=now.tzinfo)


def render_audit_table(entries: Sequence[Any]) -> str:
    """A compact table, one record per line, newest first."""
    if not entries:
        return "No audit records match."
    rows = [("when (UTC)", "user", "command", "arguments", "outcome", "ms", "ref")]
    for entry in entries:
        rows.append(
            (
                entry.at.strftime("%Y-%m-%d %H:%M:%S"),
                entry.user_name or entry.user_id,
                f"/{entry.command}" if entry.command else "-",
                (entry.arguments or "")[:40],
                entry.outcome,
                f"{entry.duration_ms:.0f}",
                entry.request_id,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)
