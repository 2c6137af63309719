"""`Period`: a span of time a stats command looks back over, typed as `7d`, `24h`, `2w`.

    @command("stats")
    async def stats(ctx: Context, period: Period | None = None) -> Reply:
        window = (period or Period.days(7)).window(now)   # (since, until), both aware

Registered as a command argument type when this module is imported (the public face does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import wording as messages
from .argtypes import ArgType, ConvertContext, register_arg_type

__all__ = ["MAX_PERIOD_DAYS", "PERIOD", "Period"]

#: The longest period a stat reads: a year and a day (the scale the stats are built for).
MAX_PERIOD_DAYS = 366
_PERIOD = re.compile(r"([0-9]{1,4})\s*([hdw])", re.ASCII | re.IGNORECASE)
_HOURS = {"h": 1, "d": 24, "w": 24 * 7}
_UNIT_WORDS = {"h": ("hour", "hours"), "d": ("day", "days"), "w": ("week", "weeks")}


@dataclass(frozen=True)
class Period:
    """A span of time back from now: `count` hours, days or weeks (`unit` h, d or w)."""

    count: int
    unit: str

    @classmethod
    def days(cls, count: int) -> Period:
        """`count` days."""
        return cls(count, "d")

    @classmethod
    def parse(cls, raw: str) -> Period:
        """`7d`, `24h`, `2w` (case and a space between ignored); ValueError with the reason."""
        text = raw.strip()
        match = _PERIOD.fullmatch(text)
        if not match:
            raise ValueError(messages.invalid_period())
        count, unit = int(match.group(1)), match.group(2).lower()
        if count < 1 or count * _HOURS[unit] > MAX_PERIOD_DAYS * 24:
            raise ValueError(messages.period_out_of_range(MAX_PERIOD_DAYS))
        return cls(count, unit)

    @property
    def length(self) -> timedelta:
        """How long the period is."""
        return timedelta(hours=self.count * _HOURS[self.unit])

    def window(self, now: datetime) -> tuple[datetime, datetime]:
        """(since, until): the period ending at `now`."""
        return now - self.length, now

    def previous(self, now: datetime) -> tuple[datetime, datetime]:
        """The period of the same length just before `window(now)`, to compare with."""
        since, _ = self.window(now)
        return since - self.length, since

    @property
    def label(self) -> str:
        """`7 days`, `1 day`, `24 hours`."""
        one, many = _UNIT_WORDS[self.unit]
        return f"{self.count} {one if self.count == 1 else many}"

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"


def _to_period(raw: str, ctx: ConvertContext) -> Period:
    return Period.parse(raw)


PERIOD = ArgType("period", "7d", "a period such as 24h, 7d, 30d or 2w", _to_period)
register_arg_type(Period, PERIOD)
