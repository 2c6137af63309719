"""The record's parsers and rules, alone: ids, tags, time windows, the sample history's shape."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportbot import UsageError
from supportbot.record.history import WIB, sample_history
from supportbot.record.refs import INTERACTION, NOTE, new_ref, normalized_ref
from supportbot.record.settings import RecordSettings
from supportbot.record.taxonomy import Taxonomy, parse_tag_changes
from supportbot.record.timeline import parse_window

TAXONOMY = Taxonomy.of(RecordSettings())


def test_new_ids_read_back_in_any_case_and_with_misread_letters() -> None:
    ref = new_ref(INTERACTION)
    assert normalized_ref(ref.lower()) == ref
    assert normalized_ref(ref.replace("-", "")) == ref
    assert normalized_ref("n-0o1l2i") == "N-001121"
    assert normalized_ref(new_ref(NOTE))[:2] == "N-"  # type: ignore[index]


@given(st.text(max_size=40))
def test_any_text_is_an_id_or_none(text: str) -> None:
    found = normalized_ref(text)
    assert found is None or (len(found) == 8 and found[1] == "-")


@given(st.text(max_size=120))
def test_any_tag_is_known_or_refused_with_a_sentence(text: str) -> None:
    try:
        assert TAXONOMY.check(text) in TAXONOMY.tags
    except UsageError as refused:
        assert refused.user_message and len(refused.user_message) < 400


def test_tag_changes_add_and_remove() -> None:
    changes = parse_tag_changes(
        ["+settlement/delayed", "-account/pin", "#device/offline"], TAXONOMY
    )
    assert [(c.tag, c.add) for c in changes] == [
        ("settlement/delayed", True),
        ("account/pin", False),
        ("device/offline", True),
    ]


@pytest.mark.parametrize(
    ("text", "window"),
    [
        ("7d", timedelta(days=7)),
        ("24h", timedelta(1)),
        ("30m", timedelta(minutes=30)),
        ("2w", timedelta(weeks=2)),
    ],
)
def test_windows(text: str, window: timedelta) -> None:
    assert parse_window(text) == window


@given(st.text(max_size=20))
def test_any_window_is_parsed_or_refused(text: str) -> None:
    try:
        assert parse_window(text) <= timedelta(days=366)
    except UsageError:
        pass


def test_the_sample_history_is_deterministic_and_shaped_like_a_real_desk() -> None:
    end = datetime(2026, 12, 2, tzinfo=UTC)
    merchants = [f"M-{10001 + n}" for n in range(80)]
    first = sample_history(merchants, end=end)
    again = sample_history(merchants, end=end)
    assert [i.ref for i in first.interactions] == [i.ref for i in again.interactions]
    assert 700 < len(first.interactions) < 1400
    hours = Counter((i.opened_at + WIB).hour for i in first.interactions)
    assert set(hours) <= set(range(8, 21))
    assert hours[11] > 2 * hours[8] and hours[15] > hours[13]  # the two peaks
    days = Counter((i.opened_at + WIB).weekday() for i in first.interactions)
    assert days[0] > days[5] > days[6]  # Mondays busiest, Sundays quietest
    channels = Counter(i.channel for i in first.interactions)
    assert channels["chat"] > channels["call"] > channels["email"]
    assert all(
        i.opened_at < (i.first_reply_at or end) <= (i.closed_at or end) for i in first.interactions
    )
    assert all(i.opened_at < end for i in first.interactions)
