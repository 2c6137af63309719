"""The one phone recogniser: every way agents write a number is read, and whatever the parser
accepts as a phone number is masked in any text around it."""

from __future__ import annotations

import re

import phonenumbers
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from supportbot.core.argtypes import MerchantRef, PhoneNumber, arg_type_for
from supportbot.core.errors import UsageError
from supportbot.core.masking import mask_text
from supportbot.core.parsing import Param, bind
from supportbot.core.phones import fold, phone_spans, read_phone

DEMO = "+6281234567890"


@pytest.mark.parametrize(
    "typed",
    [
        "0062 812 3456 7890",
        "006281234567890",
        "0812–3456–7890",  # en-dashes
        "0812‒3456‒7890",  # figure dashes
        "0812‑3456‑7890",  # non-breaking hyphens
        "0812−3456−7890",  # minus signs
        "０８１２３４５６７８９０",  # full-width digits
        "０８１２－３４５６－７８９０",
        "0812+3456+7890",  # spaces URL-encoded
        "+62 812 3456 7890",
        "(0812) 3456-7890",
    ],
)
def test_every_way_agents_write_the_demo_number_reads_as_it(typed: str) -> None:
    assert PhoneNumber.parse(typed).e164 == DEMO
    assert MerchantRef.parse(typed).value == DEMO


def test_the_00_prefix_is_read_as_international_for_any_country() -> None:
    assert PhoneNumber.parse("0065 6123 4567").e164 == "+6561234567"


def test_a_number_without_its_leading_0_is_refused_saying_how_to_write_it() -> None:
    with pytest.raises(ValueError, match="starts with 0"):
        read_phone("81234567890")


def test_fold_keeps_the_length_so_spans_map_back() -> None:
    typed = "hp ０８１２–3456‑7890 ok"
    assert len(fold(typed)) == len(typed)
    [(start, end)] = phone_spans(typed)
    assert typed[start:end] == "０８１２–3456‑7890"


# --- the property: what the parser accepts, the masker masks ------------------------------

MOBILE_PREFIXES = ["811", "812", "813", "821", "822", "852", "853", "857", "877", "878", "896"]
SEPARATORS = [" ", "-", ".", "–", "‒", "‑", "−", "/", "+", "－", "\u00a0", "\u200b"]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@st.composite
def typed_numbers(draw: st.DrawFn) -> str:
    """A phone number as someone might type or paste it: any prefix, separators, digit script."""
    if draw(st.booleans()):
        nsn = draw(st.sampled_from(MOBILE_PREFIXES)) + draw(
            st.text("0123456789", min_size=7, max_size=8)
        )
        code = "62"
    else:
        region = draw(st.sampled_from(["SG", "MY", "US", "GB", "AU", "IN"]))
        example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
        assert example is not None
        nsn = phonenumbers.national_significant_number(example)
        code = str(example.country_code)
    prefix = draw(st.sampled_from(["0", "+" + code, code, "00" + code, "(0", "+" + code + " "]))
    if not prefix.startswith(("+", "00")) and code != "62":
        prefix = "+" + code  # a foreign number needs its country
    digits = list(nsn)
    cuts = sorted(draw(st.sets(st.integers(1, len(digits) - 1), max_size=4)))
    separator = draw(st.sampled_from(SEPARATORS))
    groups = [nsn[a:b] for a, b in zip([0, *cuts], [*cuts, len(nsn)], strict=True)]
    text = prefix + (")" if prefix == "(0" else "") + separator.join(groups)
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    return text


# What can sit around a number in a sentence: anything, ending (or starting) with a space.
AROUND = st.text(max_size=15)


def _merchant_param() -> list[Param]:
    return [Param("who", arg_type_for(MerchantRef), "positional", True)]


def _digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", fold(text))


def _parser_accepts(typed: str) -> PhoneNumber | None:
    """The phone the command parser binds `/merchant <typed>` to, or None."""
    try:
        value = bind("merchant", _merchant_param(), typed)["who"]
    except UsageError:
        return None
    assert isinstance(value, MerchantRef)
    return value.phone


@settings(deadline=None, max_examples=400)
@given(typed_numbers(), AROUND, AROUND)
# Found by this test: a short match over "0310000 +62" masked half of the number after it.
@example(typed="+62 8110000000", before="0310000", after="")
def test_anything_the_parser_accepts_as_a_phone_is_masked_in_any_text(
    typed: str, before: str, after: str
) -> None:
    phone = _parser_accepts(typed)
    assume(phone is not None)
    assert phone is not None
    national = phonenumbers.national_significant_number(phonenumbers.parse(phone.e164))
    for text in (typed, f"{before} {typed} {after}", f"/merchant {typed}", f'"{typed}"'):
        masked = mask_text(text)
        # The context left as it was is not part of the number: digits of `after` next to the
        # masked number's last four could otherwise spell the number out across the space.
        shown = masked
        if after and shown.endswith(f" {after}"):
            shown = shown[: -len(after) - 1]
        if before and shown.startswith(f"{before} "):
            shown = shown[len(before) + 1 :]
        assert national not in _digits(shown), (text, masked)
        assert "••••" in masked


# Digits with any mix of separators, quotes and scripts between them: text the parser may or may
# not accept; whatever it accepts must be masked.
PIECE = st.tuples(
    st.sampled_from(["", "", " ", "-", "–", ".", "(", ")", "'", '"', "+", "/"]),
    st.sampled_from("0123456789０８"),
)


@settings(deadline=None, max_examples=300)
@given(
    st.sampled_from(["08", "+628", "628", "00628", "(08", "０８"]),
    st.lists(PIECE, min_size=8, max_size=11),
    AROUND,
)
def test_any_phone_shaped_text_the_parser_accepts_is_masked(
    start: str, pieces: list[tuple[str, str]], after: str
) -> None:
    typed = start + "".join(sep + digit for sep, digit in pieces)
    phone = _parser_accepts(typed)
    assume(phone is not None)
    assert phone is not None
    national = phonenumbers.national_significant_number(phonenumbers.parse(phone.e164))
    masked = mask_text(f"{typed} {after}")
    assert national not in _digits(masked), (typed, masked)


def test_ids_dates_and_amounts_are_not_phone_numbers() -> None:
    text = "TX-123456789012 of M-10001 on 2024-01-15 for Rp 1.500.000 (ref 10001)"
    assert mask_text(text) == text
    assert list(phone_spans(text)) == []
