"""Rate limits: at most N runs of a command per user per period, e.g. "20/hour".

A limit comes from `@command(rate_limit=...)`, or from `rate_limits` in the configuration, which
wins (`"off"` there removes the command's own limit). The text is `runs/period`: `20/hour`,
`5/minute`, `100/day`, `10/second`, or with a count of periods, `3/30m`, `50/2 hours`. Units:
s, sec, second(s); m, min, minute(s); h, hr, hour(s); d, day(s), in any ASCII case. Runs are 1 to
1,000,000; a period is 1 second to 31 days.

The `ratelimit` link (`supportbot.dispatch.middleware.ratelimit`) counts from the audit trail, so a
limit holds across replicas that share the database.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from supportbot.core.settings import Settings

from . import wording as messages

if TYPE_CHECKING:
    from supportbot.core.registry import CommandRegistry, CommandSpec

__all__ = [
    "RateLimit",
    "again_at_text",
    "check_rate_limits",
    "effective_limit",
    "parse_rate_limit",
]

log = logging.getLogger("supportbot")

MAX_RUNS = 1_000_000
MAX_WINDOW_S = 31 * 86_400
#: What switches a command's own limit off in `rate_limits`.
OFF = frozenset({"off", "none"})
_UNITS = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600),
    **dict.fromkeys(("d", "day", "days"), 86_400),
}
_NAMES = ((86_400, "day"), (3600, "hour"), (60, "minute"), (1, "second"))
# ASCII only: `\d` would also take other scripts' digits, which int() then reads.
_LIMIT = re.compile(r"(\d{1,7})\s*/\s*(\d{1,6})?\s*([a-z]{1,7})", re.ASCII)
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class RateLimit:
    """At most `runs` runs per user within any `window_s` seconds."""

    runs: int
    window_s: int

    @property
    def window(self) -> timedelta:
        """The period as a timedelta."""
        return timedelta(seconds=self.window_s)

    @property
    def window_text(self) -> str:
        """How the period reads after "in the last": 'hour', '30 minutes', '2 days'."""
        for size, name in _NAMES:
            if self.window_s % size == 0:
                count = self.window_s // size
                return name if count == 1 else f"{count:,} {name}s"
        raise AssertionError("every window is a whole number of seconds")


def parse_rate_limit(text: str) -> RateLimit:
    """Read "20/hour", "3/30m", ...; ValueError with the accepted forms for anything else."""
    if not isinstance(text, str) or len(text) > 40:
        raise ValueError(messages.invalid_rate_limit(str(text)))
    match = _LIMIT.fullmatch(text.strip().translate(_ASCII_LOWER))
    if match is None or match.group(3) not in _UNITS:
        raise ValueError(messages.invalid_rate_limit(text))
    runs = int(match.group(1))
    window_s = int(match.group(2) or 1) * _UNITS[match.group(3)]
    if not 1 <= runs <= MAX_RUNS or not 1 <= window_s <= MAX_WINDOW_S:
        raise ValueError(messages.invalid_rate_limit(text))
    return RateLimit(runs=runs, window_s=window_s)


def _is_off(text: str) -> bool:
    return text.strip().translate(_ASCII_LOWER) in OFF


def _limit_text(spec: CommandSpec, settings: Settings) -> str | None:
    configured = settings.rate_limits.get(spec.name)
    text = configured if configured is not None else spec.rate_limit
    return None if text is None or _is_off(text) else text


def effective_limit(spec: CommandSpec, settings: Settings) -> RateLimit | None:
    """The limit in force for `spec` (`rate_limits` over the command's own); None: unlimited.

    Raises ValueError for a limit that cannot be read; `check_rate_limits` finds those at start.
    """
    text = _limit_text(spec, settings)
    return None if text is None else parse_rate_limit(text)


def check_rate_limits(registry: CommandRegistry, settings: Settings) -> list[str]:
    """Limits that cannot be read, and `rate_limits` entries naming no command; each problem
    names the command and where the limit is written."""
    problems: list[str] = []
    for spec in registry:
        if spec.rate_limit is not None and not _is_off(spec.rate_limit):
            try:
                parse_rate_limit(spec.rate_limit)
            except ValueError as exc:
                problems.append(f"/{spec.name} ({spec.source}) @command(rate_limit=...): {exc}")
    for name, text in settings.rate_limits.items():
        found = registry.get(name)
        if found is None:
            # Not fatal: the command may come from a package this replica lacks.
            log.warning(
                "%s.%s: there is no command /%s; the entry is ignored", "rate_limits", name, name
            )
        elif found.name != name:
            problems.append(
                f"rate_limits.{name}: /{name} is another name of /{found.name}; "
                f"write rate_limits.{found.name}."
            )
        elif not _is_off(text):
            try:
                parse_rate_limit(text)
            except ValueError as exc:
                problems.append(f"rate_limits.{name}: {exc}")
    return problems


def again_at_text(again: datetime, now: datetime, window_s: int) -> str:
    """When a limited user may run the command again: '15:04 UTC', rounded up (to the second
    for windows under two minutes), with the date when it is not today. Both times in UTC."""
    shown = again.replace(microsecond=0)
    if shown < again:
        shown += timedelta(seconds=1)
    if window_s >= 120 and shown.second:
        shown = shown.replace(second=0) + timedelta(minutes=1)
    clock = shown.strftime("%H:%M" if window_s >= 120 else "%H:%M:%S")
    if shown.date() != now.date():
        clock = f"{shown:%Y-%m-%d} {clock}"
    return f"{clock} UTC"
