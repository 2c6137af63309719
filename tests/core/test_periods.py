"""Periods typed in stats commands: 24h, 7d, 2w; anything else refused with the reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportbot import Period


@pytest.mark.parametrize(
    ("raw", "length", "label"),
    [
        ("7d", timedelta(days=7), "7 days"),
        ("24H", timedelta(hours=24), "24 hours"),
        ("1d", timedelta(days=1), "1 day"),
        ("2 w", timedelta(weeks=2), "2 weeks"),
    ],
)
def test_periods_read_as_typed(raw: str, length: timedelta, label: str) -> None:
    period = Period.parse(raw)
    assert period.length == length and period.label == label


def test_the_previous_period_ends_where_this_one_starts() -> None:
    now = datetime(2026, 12, 2, tzinfo=UTC)
    period = Period.days(7)
    since, until = period.window(now)
    before_since, before_until = period.previous(now)
    assert until == now and before_until == since and since - before_since == period.length


@given(st.text(max_size=12))
def test_anything_parses_or_is_refused_with_a_reason(raw: str) -> None:
    try:
        period = Period.parse(raw)
    except ValueError as exc:
        assert "period" in str(exc) or "at least 1 hour" in str(exc)
    else:
        assert timedelta(hours=1) <= period.length <= timedelta(days=366)
        assert Period.parse(str(period)) == period
