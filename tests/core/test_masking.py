"""Personal data masking: phone numbers and emails, alone and in free text."""

from __future__ import annotations

import re
import time

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportbot.core.argtypes import Email, PhoneNumber
from supportbot.core.masking import mask_email, mask_phone, mask_text

SAME_NUMBER = [
    "0812-3456-7890",
    "0812 3456 7890",
    "+62 812 3456 7890",
    "6281234567890",
    "(0812) 3456-7890",
    "+62-812-3456-7890",
    "+6281234567890",
]
# Real Indonesian mobile prefixes, for generated numbers.
MOBILE_PREFIXES = ["811", "812", "813", "821", "822", "852", "853", "857", "877", "878", "896"]


@st.composite
def indonesian_mobiles(draw: st.DrawFn) -> phonenumbers.PhoneNumber:
    prefix = draw(st.sampled_from(MOBILE_PREFIXES))
    rest = draw(st.text("0123456789", min_size=7, max_size=8))
    return phonenumbers.parse("+62" + prefix + rest, None)


@pytest.mark.parametrize("typed", SAME_NUMBER)
def test_a_phone_in_any_format_masks_to_one_form(typed: str) -> None:
    assert mask_phone(typed) == "0812-••••-7890"


def test_an_invalid_phone_still_hides_its_middle_digits() -> None:
    assert mask_phone("0812-3456-78901234") == "0812-••••-1234"
    assert mask_phone("08123456") == "08-••••-56"  # at least four digits are always hidden
    assert mask_phone("0812") == "••••"
    assert mask_phone("no digits at all") == "••••"


def test_a_foreign_phone_keeps_its_country_code_when_masked() -> None:
    assert mask_phone("+1 650 253 0000") == "+1 650-••••-000"


def test_masking_a_masked_phone_or_nothing_changes_nothing() -> None:
    assert mask_phone("0812-••••-7890") == "0812-••••-7890"
    assert mask_phone("") == ""


@pytest.mark.parametrize(
    ("typed", "masked"),
    [
        ("sinar@example.id", "s•••@example.id"),
        ("Rina.New@Example.ID", "R•••@example.id"),
        ("s•••@example.id", "s•••@example.id"),
        ("•••@example.id", "•••@example.id"),
        ("@example.id", "•••@example.id"),
        ("not an email", "•••"),
        ("", ""),
    ],
)
def test_an_email_keeps_only_its_first_character_and_domain(typed: str, masked: str) -> None:
    assert mask_email(typed) == masked


def test_value_classes_mask_through_the_same_functions() -> None:
    assert PhoneNumber.parse("+62 812 3456 7890").masked == mask_phone("0812 3456 7890")
    assert Email.parse("Sinar@Example.ID").masked == mask_email("Sinar@EXAMPLE.id")


def test_free_text_has_every_phone_and_email_masked_and_nothing_else() -> None:
    text = (
        "Budi (0812-3456-7890, +62 812 3456 7890, 6281234567890) wrote from sinar@example.id "
        "about TX-123456789012 of M-10001: Rp 1.500.000 on 2024-01-15, office 021-1234567."
    )
    assert mask_text(text) == (
        "Budi (0812-••••-7890, 0812-••••-7890, 0812-••••-7890) wrote from s•••@example.id "
        "about TX-123456789012 of M-10001: Rp 1.500.000 on 2024-01-15, office 021-••••-567."
    )


def test_free_text_masks_phone_shaped_runs_even_when_invalid() -> None:
    masked = mask_text("call 0812-3456-78901234 or +62 999 9999 9999 now")
    assert "3456" not in masked and "9999 9999" not in masked
    assert masked.startswith("call 0812-••••-1234 or +")


def test_free_text_with_unicode_around_numbers_is_masked() -> None:
    text = "Bu Siti Nurhaliza 🙂 ‏مرحبا‎ 0812-3456-7890 — “ok” ñandú@correo.id"
    masked = mask_text(text)
    assert masked == "Bu Siti Nurhaliza 🙂 ‏مرحبا‎ 0812-••••-7890 — “ok” ñ•••@correo.id"


def test_a_region_reads_numbers_written_without_country_code() -> None:
    assert mask_text("hubungi 012-345 6789", region="MY") == "hubungi 012-••••-789"


def test_huge_text_is_masked_quickly() -> None:
    text = "0812-3456-7890 budi@example.id 🙂 " * 3000  # about 100k characters
    started = time.perf_counter()
    masked = mask_text(text)
    assert time.perf_counter() - started < 20
    assert "3456" not in masked and "budi@" not in masked
    assert masked.count("0812-••••-7890") == 3000


@pytest.mark.parametrize(
    "hostile",
    ["\x00" * 10, "a" * 100_000, "@" * 50_000, "9" * 100_000, "0 " * 50_000, "\ud800 0812"],
)
def test_hostile_text_never_raises(hostile: str) -> None:
    assert isinstance(mask_text(hostile), str)


def test_masking_repeats_until_a_kept_tail_cannot_form_a_new_number() -> None:
    # One pass leaves "-031062 08-••••-00"; its digits then read as a new number.
    once = mask_text("-031062 08120000")
    assert mask_text(once) == once and "062 08" not in once


@settings(deadline=None, max_examples=300)
@given(st.text())
def test_masking_any_text_never_raises_and_is_idempotent(text: str) -> None:
    once = mask_text(text)
    assert mask_text(once) == once


PIECES = st.sampled_from(
    [" ", "-", "+", "62", "0812", "3456", "7890", "@", "example.id", "budi", ".", "(", ")", "•"]
)


@settings(deadline=None, max_examples=300)
@given(st.lists(PIECES | st.text("0123456789", max_size=6), max_size=30).map("".join))
def test_masking_phone_like_text_is_idempotent(text: str) -> None:
    once = mask_text(text)
    assert mask_text(once) == once


def digits_of(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


@settings(deadline=None)
@given(indonesian_mobiles(), st.text(max_size=20), st.text(max_size=20))
def test_a_valid_number_anywhere_in_text_loses_its_middle_digits(
    number: phonenumbers.PhoneNumber, before: str, after: str
) -> None:
    if not phonenumbers.is_valid_number(number):
        return
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    national = PhoneNumber.parse(e164).national
    masked = mask_text(f"{before} {national} {after}")
    assert digits_of(national) not in digits_of(masked)
    assert "••••" in masked
