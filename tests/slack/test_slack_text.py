"""Slack's text rules: escaping, measuring, cutting visibly, and reading typed input back."""

from __future__ import annotations

import json
import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from supportbot.core.reply import Field, Reply, Section
from supportbot.slack import render_reply
from supportbot.slack._text import (
    escape,
    escape_data,
    fit,
    printable,
    shorten,
    slack_len,
    strip_hidden,
    unescape_input,
)
from supportbot.slack.testing import message_problem


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


def test_printable_drops_controls_and_invisible_characters_and_keeps_one_line() -> None:
    assert printable("\x1b[31mred\x00\x07 \u202eabc\u200b\ufeff\U000e0041") == "[31mred abc"
    assert printable("  one\ntwo\r\n\tthree\u00a0four  ") == "one two three four"
    assert printable("👩\u200d💻 Pelanggan “dobel” 二重") == "👩\u200d💻 Pelanggan “dobel” 二重"
    assert printable("\ud83d lone") == "lone"
    assert printable("") == ""


def test_shorten_keeps_short_text_and_cuts_long_text_with_an_ellipsis() -> None:
    assert shorten("hello", 5) == "hello"
    assert shorten("hello world", 8) == "hello w…"
    assert shorten("😀" * 3000, 11) == "😀" * 5 + "…"
    assert shorten("ab   cd", 6) == "ab…"  # no dangling spaces before the ellipsis


@given(text=st.text(), limit=st.integers(1, 300))
def test_shorten_always_fits(text: str, limit: int) -> None:
    cut = shorten(text, limit)
    assert slack_len(cut) <= limit
    assert cut == text or cut.endswith("…")


@given(text=st.text())
def test_printable_leaves_nothing_hidden_and_no_line_breaks(text: str) -> None:
    shown = printable(text)
    assert not [c for c in shown if unicodedata.category(c) in ("Cc", "Cf", "Cs") and c != "\u200d"]
    assert shown == shown.strip() and "  " not in shown
    assert printable(shown) == shown


# --- service data: hidden characters dropped, formatting characters shown as they are --------

_TOKEN = re.compile(r"<!date\^0\^\{_\}\|([*_~`])>")
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs"}


def _unescaped(shown: str) -> str:
    plain = _TOKEN.sub(lambda match: match.group(1), shown)
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@given(st.text())
def test_service_data_never_formats_reorders_or_links(value: str) -> None:
    shown = escape_data(value)
    rest = _TOKEN.sub("", shown)
    assert not any(char in rest for char in "*_~`<>")
    assert all(
        char in "\n\t\u200d" or unicodedata.category(char) not in _HIDDEN_CATEGORIES
        for char in shown
    )
    assert re.search(r"&(?!amp;|lt;|gt;)", rest) is None
    # Nothing else changes: what the reader sees is the value without its hidden characters.
    assert _unescaped(shown) == strip_hidden(value)


@given(st.text(), st.integers(min_value=1, max_value=400))
def test_fitted_service_data_stays_within_the_limit(value: str, limit: int) -> None:
    assert slack_len(fit(value, limit, data=True)) <= limit


@given(
    st.lists(
        st.text(alphabet=st.sampled_from("ab *_~`<>&\x1b\u202e\u200b\x00\n"), max_size=40),
        min_size=1,
        max_size=5,
    )
)
def test_a_card_of_hostile_service_data_carries_no_hidden_or_formatting_characters(
    values: list[str],
) -> None:
    reply = Reply(
        sections=[
            Section(
                title="Merchant",
                fields=[Field(label="Name", value=value) for value in values],
                items=values,
            )
        ]
    )
    blocks = render_reply(reply).blocks
    assert message_problem({"text": "x", "blocks": blocks}) is None
    texts = json.loads(json.dumps(blocks))
    for block in texts:
        for field in block.get("fields", []):
            body = field["text"].split("\n", 1)[-1]
            assert not any(char in _TOKEN.sub("", body) for char in "*_~`")
            assert not any(char in body for char in "\x1b\u202e\u200b\x00")


def test_bidi_overrides_and_escapes_are_dropped_from_plain_text_too() -> None:
    reply = Reply(title="Toko \u202eayaJ ranis\u202c \x1b[31m", text="ok")
    header = render_reply(reply).blocks[0]["text"]["text"]
    assert "\u202e" not in header and "\x1b" not in header
