"""Business hours: working time between instants, and when a target falls due. Hand-computed
cases cross a weekend and a holiday; properties hold for any configuration."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from supportbot.core.kpi_settings import BusinessHoursSettings
from supportbot.record.business_hours import BusinessHours

JAKARTA = ZoneInfo("Asia/Jakarta")
#: Mon-Fri 09:00-17:00 in Jakarta; Monday 7 December 2026 a holiday.
HOURS = BusinessHours.of(
    BusinessHoursSettings(time_zone="Asia/Jakarta", holidays=[date(2026, 12, 7)])
)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=JAKARTA)


def test_friday_evening_to_tuesday_morning_skips_the_weekend_and_the_holiday() -> None:
    # Fri 16:50-17:00 (10 min) + Tue 09:00-09:20 (20 min); Sat, Sun and the holiday count 0.
    assert HOURS.elapsed(local(4, 16, 50), local(8, 9, 20)) == timedelta(minutes=30)


def test_a_target_falls_due_after_the_weekend_and_the_holiday() -> None:
    assert HOURS.due(local(4, 16, 50), timedelta(minutes=15)) == local(8, 9, 5)


def test_time_outside_the_working_day_counts_nothing() -> None:
    assert HOURS.elapsed(local(3, 17, 30), local(4, 8, 59)) == timedelta(0)
    assert HOURS.elapsed(local(7, 9), local(7, 17)) == timedelta(0)  # the holiday
    assert HOURS.elapsed(local(5, 9), local(6, 17)) == timedelta(0)  # the weekend


def test_a_contact_opened_before_the_day_starts_counts_from_the_opening() -> None:
    assert HOURS.elapsed(local(8, 8, 0), local(8, 9, 1)) == timedelta(minutes=1)
    assert HOURS.due(local(8, 8, 0), timedelta(minutes=2)) == local(8, 9, 2)


def test_end_before_start_is_zero() -> None:
    assert HOURS.elapsed(local(8, 10), local(8, 9)) == timedelta(0)


def test_a_day_that_changes_to_summer_time_counts_its_real_length() -> None:
    berlin = BusinessHours.of(
        BusinessHoursSettings(time_zone="Europe/Berlin", days=["sun"], open="00:00", close="23:59")
    )
    start = datetime(2026, 3, 29, 0, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    end = datetime(2026, 3, 29, 23, 59, tzinfo=ZoneInfo("Europe/Berlin"))
    assert berlin.elapsed(start, end) == timedelta(hours=22, minutes=59)


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"time_zone": "Mars/Olympus"}, "Mars/Olympus"),
        ({"days": ["funday"]}, "funday"),
        ({"days": []}, "at least one"),
        ({"open": "18:00", "close": "09:00"}, "close must be later"),
        ({"holidays": ["25 December"]}, "holidays"),
    ],
)
def test_a_wrong_setting_names_what_was_written(values: dict[str, object], named: str) -> None:
    with pytest.raises(ValidationError, match=named):
        BusinessHoursSettings.model_validate(values)


def test_no_working_day_at_all_is_an_error_not_a_hang() -> None:
    every_day = BusinessHours(
        zone=JAKARTA,
        weekdays=frozenset({0}),
        open=time(9),
        close=time(17),
        holidays=frozenset(date(2026, 11, 30) + timedelta(weeks=n) for n in range(200)),
    )
    with pytest.raises(ValueError, match="no working day"):
        every_day.due(local(1, 9), timedelta(minutes=1))


# --- properties ------------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
configs = st.builds(
    lambda days, start, length, zone, holidays: BusinessHours(
        zone=ZoneInfo(zone),
        weekdays=frozenset(days),
        open=time(start),
        close=time(min(23, start + length), 59 if start + length >= 23 else 0),
        holidays=frozenset(holidays),
    ),
    st.sets(st.integers(0, 6), min_size=1),
    st.integers(0, 20),
    st.integers(1, 12),
    st.sampled_from(["Asia/Jakarta", "UTC", "Europe/Berlin", "America/New_York"]),
    st.sets(st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)), max_size=20),
)


@settings(max_examples=150, deadline=None)
@given(configs, instants, instants, instants)
def test_working_time_adds_up_over_consecutive_spans(
    hours: BusinessHours, a: datetime, b: datetime, c: datetime
) -> None:
    a, b, c = sorted((a, b, c))
    assert hours.elapsed(a, b) + hours.elapsed(b, c) == hours.elapsed(a, c)


@settings(max_examples=150, deadline=None)
@given(configs, instants, instants)
def test_working_time_is_never_more_than_the_wall_clock(
    hours: BusinessHours, a: datetime, b: datetime
) -> None:
    a, b = sorted((a, b))
    assert timedelta(0) <= hours.elapsed(a, b) <= b - a


@settings(max_examples=150, deadline=None)
@given(configs, instants, st.integers(1, 60 * 24 * 20))
def test_the_due_time_is_exactly_the_target_of_working_time_later(
    hours: BusinessHours, start: datetime, minutes: int
) -> None:
    target = timedelta(minutes=minutes)
    due = hours.due(start, target)
    assert hours.elapsed(start, due) == target
    # ... and no earlier instant has it: a second before, less has passed.
    assert hours.elapsed(start, due - timedelta(seconds=1)) < target
