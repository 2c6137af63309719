"""Business hours: how much working time lies between two instants, and when a target of working
time falls due. Pure (no clock, no database), so the KPIs and their tests agree by construction.

    hours = BusinessHours.of(kpi_settings(settings).business_hours)
    hours.elapsed(opened_at, first_reply_at)        # timedelta of working time only
    hours.due(opened_at, timedelta(minutes=15))     # the instant 15 working minutes later

A working day runs from `open` to `close` local time on the configured weekdays, except on
holidays. Instants are timezone-aware; the arithmetic is done on UTC instants, so a day that
changes to or from summer time counts its real length.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from supportbot.core.kpi_settings import WEEKDAYS, BusinessHoursSettings

__all__ = ["BusinessHours"]

#: The longest search for working time (a year of holidays would end it): a misconfiguration
#: must not loop forever.
_MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class BusinessHours:
    """Working days (0 = Monday), the working hours of each, and the holidays, in a zone."""

    zone: ZoneInfo
    weekdays: frozenset[int]
    open: time
    close: time
    holidays: frozenset[date] = frozenset()

    @classmethod
    def of(cls, config: BusinessHoursSettings) -> BusinessHours:
        """The business hours of the `[kpi.business_hours]` table."""
        return cls(
            zone=ZoneInfo(config.time_zone),
            weekdays=frozenset(WEEKDAYS.index(day) for day in config.days),
            open=config.open,
            close=config.close,
            holidays=frozenset(config.holidays),
        )

    def is_working_day(self, day: date) -> bool:
        """Whether `day` (a local date) has working hours."""
        return day.weekday() in self.weekdays and day not in self.holidays

    def _window(self, day: date) -> tuple[datetime, datetime]:
        start = datetime.combine(day, self.open, self.zone).astimezone(UTC)
        end = datetime.combine(day, self.close, self.zone).astimezone(UTC)
        return start, end

    def _windows_from(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        """The working windows from `day` on, until _MAX_DAYS pass without one (the bound is
        on a gap, not on the whole span: one working hour a week still reaches any target)."""
        idle = 0
        while idle < _MAX_DAYS:
            if self.is_working_day(day):
                idle = 0
                yield self._window(day)
            else:
                idle += 1
            day += timedelta(days=1)

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Working time from `start` to `end` (zero when `end` is not after `start`)."""
        if end <= start:
            return timedelta(0)
        total = timedelta(0)
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        while day <= last:
            if self.is_working_day(day):
                opens, closes = self._window(day)
                overlap = min(closes, end) - max(opens, start)
                if overlap > timedelta(0):
                    total += overlap
            day += timedelta(days=1)
        return total

    def due(self, start: datetime, target: timedelta) -> datetime:
        """The first instant by which `target` of working time has passed since `start`.

        A zero target is due at `start`. ValueError when no working day lies within three
        years (no weekdays, or every one a holiday)."""
        if target <= timedelta(0):
            return start
        left = target
        for opens, closes in self._windows_from(start.astimezone(self.zone).date()):
            begin = max(opens, start)
            if begin >= closes:
                continue
            if begin + left <= closes:
                return begin + left
            left -= closes - begin
        raise ValueError("the business hours have no working day within three years")
