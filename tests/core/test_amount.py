"""`Amount`: money as agents type it. Property tests: any text gives a value or a ValueError."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportbot import Amount


def grouped(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@given(st.integers(min_value=1, max_value=10**12))
def test_every_way_of_writing_an_amount_reads_the_same(value: int) -> None:
    for typed in (str(value), grouped(value), f"Rp {grouped(value)}", f"rp{value}", f"Rp. {value}"):
        assert Amount.parse(typed).value == value, typed


@given(st.integers(min_value=1, max_value=10**9))
def test_thousands_suffixes(value: int) -> None:
    assert Amount.parse(f"{value}rb").value == value * 1000
    assert Amount.parse(f"{value}K").value == value * 1000


@given(st.text(max_size=200))
def test_any_text_gives_an_amount_or_a_reason(text: str) -> None:
    try:
        amount = Amount.parse(text)
    except ValueError as exc:
        assert "amount in rupiah" in str(exc)
    else:
        assert 0 < amount.value <= 10**12


@pytest.mark.parametrize(
    "typed",
    ["", " ", "0", "-1", "1.5", "1,5", "1.50.000", "150.000k", "Rp", "rb", "１５０", "1e6",
     "9" * 14, "150000 IDR", "NaN", "∞", "150\u0000000", "Rp 1.000.000.000.001"],
)  # fmt: skip
def test_what_is_not_an_amount(typed: str) -> None:
    with pytest.raises(ValueError, match="amount in rupiah"):
        Amount.parse(typed)


def test_shown_as_rupiah() -> None:
    assert Amount.parse("150000").shown == "Rp 150.000"


@pytest.mark.parametrize(
    ("typed", "value"),
    [("1,5jt", 1_500_000), ("1.5jt", 1_500_000), ("2 juta", 2_000_000), ("1,25jt", 1_250_000)],
)
def test_millions_with_a_decimal_comma_are_read(typed: str, value: int) -> None:
    assert Amount.parse(typed).value == value
