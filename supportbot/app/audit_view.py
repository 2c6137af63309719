"""`supportbot audit`: parsing its filters and printing records as a table."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from supportbot.core.argtypes import MerchantId, TransactionId
from supportbot.core.masking import mask_text

__all__ = ["parse_since", "render_actions_table", "render_audit_table", "stored_target"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
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


def stored_target(text: str, region: str) -> str:
    """How a customer reference is stored: ids canonical (m10001 -> M-10001), phone numbers and
    emails masked the way the audit masks them, so `--target 0812-3456-7890` finds its records."""
    for kind in (MerchantId, TransactionId):
        try:
            return str(kind.parse(text))
        except ValueError:
            pass
    return mask_text(text.strip(), region)


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
    return _table(rows)


def render_audit_record(entry: Any) -> str:
    """One record in full, for `audit --ref REF`: what an error reference stands for."""
    services = "; ".join(
        f"{e.get('service', '?')} {e.get('kind', '?')}" for e in entry.service_errors or []
    )
    rows = [
        ("ref", entry.request_id),
        ("when (UTC)", entry.at.strftime("%Y-%m-%d %H:%M:%S")),
        ("user", f"{entry.user_name} ({entry.user_id})" if entry.user_name else entry.user_id),
        ("where", entry.adapter + (f" {entry.channel}" if entry.channel else "")),
        ("command", f"/{entry.command}" if entry.command else "-"),
        ("arguments", entry.arguments or "-"),
        ("customer", entry.target or "-"),
        ("outcome", entry.outcome),
        ("ms", f"{entry.duration_ms:.0f}"),
        ("services", services or "-"),
        ("error", entry.error or "-"),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [f"{label:<{width}}  {_CONTROL.sub(' ', value)}" for label, value in rows[:-1]]
    error_lines = (entry.error or "-").splitlines() or ["-"]
    lines.append(f"{'error':<{width}}  {error_lines[0]}")
    lines += [f"{'':<{width}}  {line}" for line in error_lines[1:]]
    return "\n".join(lines)


def render_actions_table(runs: Sequence[Any]) -> str:
    """Action runs, newest first: when, status (unknown when the bot stopped mid-way), who."""
    if not runs:
        return "No actions match."
    rows = [("started (UTC)", "status", "command", "arguments", "by", "approved by", "ref")]
    for run in runs:
        rows.append(
            (
                run.started_at.strftime("%Y-%m-%d %H:%M:%S"),
                "outcome unknown" if run.status == "unknown" else run.status,
                f"/{run.command}",
                (run.arguments or "")[:40],
                run.user_name or run.user_id,
                run.approved_by or "-",
                run.request_id,
            )
        )
    return _table(rows)


def _table(rows: Sequence[tuple[str, ...]]) -> str:
    # One record a line: a newline or a control character typed by a user must not break it.
    rows = [tuple(_CONTROL.sub(" ", cell) for cell in row) for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(line.rstrip() for line in lines)
