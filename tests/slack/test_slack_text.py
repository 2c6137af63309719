"""Slack's text rules: escaping, measuring, cutting visibly, and reading typed input back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from supportbot.slack._text import escape, fit, slack_len, unescape_input


def test_escape_covers_the_three_markup_characters() -> None:
    assert escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"


def test_an_emoji_outside_the_basic_plane_counts_two() -> None:
    assert slack_len("a😀") == 3


def test_fit_keeps_short_text_and_cuts_long_text_saying_how_much() -> None:
    assert fit("hello", 10) == "hello"
    cut = fit("x" * 5000, 100)
    assert slack_len(cut) <= 100
    assert cut.endswith("more characters")
    assert cut.startswith("x")


def test_fit_never_splits_an_escape_sequence() -> None:
    cut = fit("&" * 500, 60)
    assert slack_len(cut) <= 60
    head = cut.split(" …")[0]
    assert head == "&amp;" * (len(head) // 5)


def test_a_limit_too_small_for_the_notice_gets_an_ellipsis() -> None:
    assert fit("x" * 100, 5) == "…"


@given(text=st.text(), limit=st.integers(1, 400))
def test_fit_always_fits(text: str, limit: int) -> None:
    assert slack_len(fit(text, limit)) <= limit


def test_slack_formatting_of_typed_words_is_undone() -> None:
    assert unescape_input("<mailto:sinar@example.id|sinar@example.id>") == "sinar@example.id"
    assert unescape_input("<tel:081234567890|0812-3456-7890>") == "0812-3456-7890"
    assert unescape_input("<http://example.id>") == "http://example.id"
    assert unescape_input("a &amp; b &lt;c&gt;") == "a & b <c>"
    assert unescape_input("<@U123> hi") == "<@U123> hi"
