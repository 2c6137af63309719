"""The rule that joins a new feature request to an open one, and the parsers of an ask."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportbot.record.knowledge.request_matching import (
    MAX_REQUEST_TEXT,
    Candidate,
    best_match,
    parse_request_ref,
    parse_request_text,
    similarity,
    words_of,
)

TEXTS = st.text(max_size=200)


def test_words_ignore_case_width_plurals_punctuation_and_filler() -> None:
    assert words_of("Please, EXPORT the Transactions to Ｅｘｃｅｌ!") == {
        "export",
        "transaction",
        "excel",
    }
    assert words_of("tolong bisa export laporan ke excel") == {"export", "laporan", "excel"}
    assert words_of("address business") == {"address", "business"}  # ss is not a plural


def test_similar_asks_score_at_least_half_and_unlike_ones_less() -> None:
    assert similarity("export transactions to Excel", "Exports of transaction to excel") == 1.0
    assert similarity("export transactions to Excel", "export invoices to Excel") == 0.5
    assert similarity("export transactions to Excel", "dark mode in the app") == 0.0
    assert similarity("the a to", "the a to") == 0.0  # nothing left to compare


def test_the_best_match_wins_then_the_most_asked_then_the_oldest() -> None:
    candidates = [
        Candidate(1, "export invoices to excel", 1),
        Candidate(2, "export transactions to excel", 1),
        Candidate(3, "export transactions to excel", 6),
        Candidate(4, "export transactions to excel", 6),
    ]
    found = best_match("Export transactions to Excel", candidates, 0.5)
    assert found is not None and found[0].request_id == 3 and found[1] == 1.0
    assert best_match("a dark mode", candidates, 0.5) is None
    assert best_match("export invoices", candidates[:1], 0.9) is None  # 2/3 under 0.9


@settings(max_examples=200, deadline=None)
@given(TEXTS, TEXTS)
def test_similarity_is_symmetric_and_between_0_and_1(one: str, other: str) -> None:
    score = similarity(one, other)
    assert 0.0 <= score <= 1.0
    assert score == similarity(other, one)


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_a_text_with_words_is_fully_similar_to_itself(text: str) -> None:
    assert similarity(text, text) == (1.0 if words_of(text) else 0.0)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_parsing_an_ask_gives_its_text_and_tag_or_a_sentence(text: str) -> None:
    try:
        words, tag = parse_request_text(text)
    except ValueError as error:
        assert str(error) and "Traceback" not in str(error)
        return
    assert words_of(words) and len(words) <= MAX_REQUEST_TEXT
    assert "#" + (tag or "") not in words.split() or tag is None
    if tag is not None:
        assert tag == tag.lower() and len(tag) <= 60


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("export to excel #Reports/Export", ("export to excel", "reports/export")),
        ("#app dark mode", ("dark mode", "app")),
        ("dark #app mode #app", ("dark mode", "app")),  # the same tag twice is one tag
        ("issue # 5 and C#", ("issue # 5 and C#", None)),  # a lone # or a # inside is text
    ],
)
def test_the_tag_is_any_hash_word(text: str, expected: tuple[str, str | None]) -> None:
    assert parse_request_text(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "   ", "#tag", "the to a", "x #a #b", "x #<b>", "x #-a", "x " * 300],
)
def test_an_ask_that_cannot_be_recorded_is_refused_with_a_sentence(text: str) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        parse_request_text(text)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=999_999_999), st.sampled_from(["R-{}", "r{}", "{}"]))
def test_a_request_ref_in_any_spelling_reads_as_its_number(number: int, shape: str) -> None:
    assert parse_request_ref(shape.format(number)) == number


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_a_ref_is_a_number_or_a_sentence(text: str) -> None:
    try:
        number = parse_request_ref(text)
    except ValueError as error:
        assert "is not a feature request" in str(error)
        return
    assert 1 <= number <= 999_999_999
