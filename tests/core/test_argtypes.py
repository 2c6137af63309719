"""Argument value classes and the conversions from typed text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Literal, Optional

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportbot.core.argtypes import (
    ArgType,
    ConvertContext,
    Email,
    MerchantId,
    MerchantRef,
    PhoneNumber,
    Rest,
    TransactionId,
    arg_type_for,
    register_arg_type,
    unwrap_annotation,
)

CTX = ConvertContext()
MOBILE_PREFIXES = ["811", "812", "813", "821", "822", "852", "853", "857", "877", "878", "896"]


def convert(annotation: object, raw: str, ctx: ConvertContext = CTX) -> object:
    return arg_type_for(annotation).convert(raw, ctx)


# --- phone numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "0812-3456-7890",
        "0812 3456 7890",
        "+62 812 3456 7890",
        "6281234567890",
        "(0812) 3456-7890",
        "+62-812-3456-7890",
        "+62 (812) 3456-7890",
        "0812.3456.7890",
        "  +6281234567890  ",
    ],
)
def test_phone_in_any_format_gives_the_same_e164(typed: str) -> None:
    phone = PhoneNumber.parse(typed)
    assert phone.e164 == str(phone) == "+6281234567890"
    assert phone.national == "0812-3456-7890"
    assert phone.masked == "0812-••••-7890"


def test_country_code_without_plus_is_read_as_international() -> None:
    assert PhoneNumber.parse("62 811 0000 0000").e164 == "+6281100000000"


def test_phone_region_decides_numbers_typed_without_country_code() -> None:
    malaysian = PhoneNumber.parse("012-345 6789", region="MY")
    assert malaysian.e164 == "+60123456789"
    assert malaysian.national == "012-345 6789"
    converted = convert(PhoneNumber, "012-345 6789", ConvertContext(phone_region="MY"))
    assert converted == malaysian


def test_foreign_number_shows_its_country_in_the_national_form() -> None:
    assert PhoneNumber.parse("+1 650 253 0000").national == "+1 650-253-0000"


def test_indonesian_landline_uses_the_usual_national_format() -> None:
    assert PhoneNumber.parse("021-1234567").national == "(021) 1234567"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("0812", "too short"),
        ("12", "too short"),
        ("0812-3456-78901234", "too long"),
        ("9" * 100_000, "too long"),
        ("0812 abcd 7890", "use only digits"),
        ("1-800-FLOWERS", "use only digits"),
        ("+999 1234 5678", "unknown country code"),
        ("+62 0000 0000 000", "no such number"),
        ("", "is empty"),
        ("81234567890", "starts with 0"),
    ],
)
def test_invalid_phone_is_rejected_with_a_clear_reason(typed: str, reason: str) -> None:
    with pytest.raises(ValueError, match="phone number|empty") as caught:
        PhoneNumber.parse(typed)
    assert reason in str(caught.value)


def test_phone_constructor_wants_e164_and_equality_ignores_region() -> None:
    with pytest.raises(ValueError, match="E.164"):
        PhoneNumber("0812-3456-7890")
    assert PhoneNumber("+6281234567890", region="MY") == PhoneNumber("+6281234567890")
    assert len({PhoneNumber.parse("0812 3456 7890"), PhoneNumber.parse("+6281234567890")}) == 1


def test_repr_never_shows_personal_data() -> None:
    assert "3456" not in repr(PhoneNumber.parse("0812-3456-7890"))
    assert "sinar" not in repr(Email.parse("sinar@example.id"))
    assert "3456" not in repr(MerchantRef.parse("0812-3456-7890"))


@st.composite
def mobile_numbers(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(MOBILE_PREFIXES))
    return prefix + draw(st.text("0123456789", min_size=7, max_size=8))


@settings(deadline=None, max_examples=200)
@given(mobile_numbers(), st.sampled_from([" ", "-", ".", ""]))
def test_any_valid_number_in_any_format_parses_to_the_same_e164(nsn: str, sep: str) -> None:
    number = phonenumbers.parse("+62" + nsn, None)
    if not phonenumbers.is_valid_number(number):
        return
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    national = "0" + nsn
    typed = [
        e164,
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL),
        sep.join([national[:4], national[4:8], national[8:]]),
        f"+62{sep}{nsn[:3]}{sep}{nsn[3:7]}{sep}{nsn[7:]}",
        "62" + nsn,
        f"({national[:4]}) {national[4:]}",
    ]
    parsed = {PhoneNumber.parse(text).e164 for text in typed}
    assert parsed == {e164}
    phone = PhoneNumber.parse(e164)
    assert PhoneNumber.parse(phone.national) == phone
    hidden = len(national) - sum(c.isdigit() for c in phone.masked)
    assert phone.masked.startswith(national[:3]) and phone.masked.endswith(national[-3:])
    assert hidden >= 4 and "-••••-" in phone.masked


# --- emails, merchant and transaction ids ----------------------------------------------------


def test_email_lower_cases_the_domain_only() -> None:
    email = Email.parse(" Rina.New@Example.ID ")
    assert str(email) == "Rina.New@example.id"
    assert (email.local, email.domain, email.masked) == (
        "Rina.New",
        "example.id",
        "R•••@example.id",
    )


def test_email_accepts_unicode_names_and_domains() -> None:
    assert str(Email.parse("siti.ñurhaliza@toko-maju.co.id")) == "siti.ñurhaliza@toko-maju.co.id"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "is empty"),
        ("sinar", "exactly one @"),
        ("a@b@example.id", "exactly one @"),
        ("@example.id", "nothing before the @"),
        ("sinar@example", "domain like example.id"),
        ("sinar@example..id", "domain like example.id"),
        ("sinar@-example.id", "domain like example.id"),
        ("si nar@example.id", "spaces"),
        ("sinar\x00@example.id", "spaces"),
        ("a" * 250 + "@example.id", "254"),
    ],
)
def test_invalid_email_is_rejected_with_a_reason(typed: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        Email.parse(typed)
    assert reason in str(caught.value)


@pytest.mark.parametrize("typed", ["M-10001", "m-10001", "M10001", "m10001", " M-10001 "])
def test_merchant_id_in_any_accepted_form_is_canonical(typed: str) -> None:
    merchant = MerchantId.parse(typed)
    assert str(merchant) == merchant.value == merchant.masked == "M-10001"


@pytest.mark.parametrize("typed", ["M-12", "M-1234567890", "X-10001", "M-10001a", "M--10001", ""])
def test_bad_merchant_id_says_what_it_looks_like(typed: str) -> None:
    with pytest.raises(ValueError, match="M- and 4 to 9 digits"):
        MerchantId.parse(typed)


@pytest.mark.parametrize("typed", ["TX-1042", "tx-1042", "TX1042", "Tx1042"])
def test_transaction_id_in_any_accepted_form_is_canonical(typed: str) -> None:
    assert str(TransactionId.parse(typed)) == "TX-1042"


@pytest.mark.parametrize("typed", ["TX-", "TX-1234567890123", "TX-12a", "1042"])
def test_bad_transaction_id_is_rejected(typed: str) -> None:
    with pytest.raises(ValueError, match="TX- and up to 12 digits"):
        TransactionId.parse(typed)


def test_value_class_constructors_refuse_non_canonical_values() -> None:
    for build, raw in [(MerchantId, "m10001"), (TransactionId, "tx1"), (Email, "a@Example.id")]:
        with pytest.raises(ValueError):
            build(raw)


# --- merchant references ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "kind", "value", "masked"),
    [
        ("m10001", "merchant_id", "M-10001", "M-10001"),
        ("Sinar@Example.ID", "email", "Sinar@example.id", "S•••@example.id"),
        ("+62 812 3456 7890", "phone", "+6281234567890", "0812-••••-7890"),
    ],
)
def test_merchant_ref_detects_what_was_typed(
    typed: str, kind: str, value: str, masked: str
) -> None:
    ref = MerchantRef.parse(typed)
    assert (ref.kind, ref.value, ref.masked, str(ref)) == (kind, value, masked, value)
    assert [ref.phone is not None, ref.email is not None, ref.merchant_id is not None] == [
        kind == "phone",
        kind == "email",
        kind == "merchant_id",
    ]


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("hello", "is not a phone number, email or merchant id (M-10001)"),
        ("Toko Jaya", "is not a phone number, email or merchant id"),
        ("; rm -rf /", "is not a phone number, email or merchant id"),
        ("$(reboot)", "is not a phone number, email or merchant id"),
        ("M-12", "is not a merchant id"),
        ("sinar@example", "is not a valid email address"),
        ("0812", "is not a valid phone number: too short"),
    ],
)
def test_bad_merchant_ref_says_what_it_accepts(typed: str, reason: str) -> None:
    with pytest.raises(ValueError) as caught:
        MerchantRef.parse(typed)
    assert reason in str(caught.value)


def test_merchant_refs_to_the_same_thing_are_equal() -> None:
    assert MerchantRef.parse("0812 3456 7890") == MerchantRef.parse("6281234567890")
    assert MerchantRef.parse("M10001") == MerchantRef(merchant_id=MerchantId("M-10001"))
    with pytest.raises(ValueError, match="exactly one"):
        MerchantRef()


# --- plain types -----------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "value"), [("42", 42), ("-5", -5), ("+7", 7), (" 10 ", 10)])
def test_int_takes_plain_digits_with_an_optional_sign(typed: str, value: int) -> None:
    assert convert(int, typed) == value


@pytest.mark.parametrize("typed", ["1.000", "1,000", "4_2", "٣", "1e3", "0x10", "", "ten"])
def test_int_refuses_anything_but_digits(typed: str) -> None:
    with pytest.raises(ValueError, match="whole number|empty"):
        convert(int, typed)


def test_int_refuses_absurdly_large_numbers() -> None:
    with pytest.raises(ValueError, match="too large"):
        convert(int, "9" * 19)


def test_str_is_one_non_empty_word_and_rest_is_text() -> None:
    assert convert(str, "Jaya's") == "Jaya's"
    with pytest.raises(ValueError, match="empty"):
        convert(str, "")
    rest = convert(Rest, 'charged  "twice"')
    assert isinstance(rest, Rest) and isinstance(rest, str) and rest == 'charged  "twice"'


def test_choice_matches_case_insensitively_and_lists_the_choices() -> None:
    channel = arg_type_for(Literal["sms", "email"])
    assert channel.convert("SMS", CTX) == "sms"
    assert (channel.name, channel.example, channel.choices) == (
        "sms|email",
        "sms",
        ("sms", "email"),
    )
    with pytest.raises(ValueError, match="must be one of: sms, email"):
        channel.convert("fax", CTX)


# --- mapping annotations ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("annotation", "name"),
    [
        (PhoneNumber, "phone"),
        (Email, "email"),
        (MerchantId, "merchant id"),
        (TransactionId, "transaction id"),
        (MerchantRef, "phone|email|merchant id"),
        (int, "number"),
        (str, "word"),
        (Rest, "text"),
        (bool, "flag"),
        (MerchantRef | None, "phone|email|merchant id"),
        (Optional[TransactionId], "transaction id"),  # noqa: UP045 - the old spelling works too
        (Annotated[int, "how many"], "number"),
    ],
)
def test_annotations_map_to_arg_types(annotation: object, name: str) -> None:
    argtype = arg_type_for(annotation)
    assert argtype.name == name
    if argtype.example:
        argtype.convert(argtype.example, CTX)  # every example is a valid value


def test_unwrap_annotation_finds_optional_and_help() -> None:
    assert unwrap_annotation(Annotated[int | None, "how many"]) == (int, True, "how many")
    assert unwrap_annotation(Optional[Annotated[int, "n"]]) == (int, True, "n")  # noqa: UP045


@pytest.mark.parametrize(
    "annotation", [dict, list[int], int | str, Literal[1, 2], Literal["a", "A"], float, "int"]
)
def test_unsupported_annotation_raises_type_error_naming_it(annotation: object) -> None:
    with pytest.raises(TypeError) as caught:
        arg_type_for(annotation)
    assert str(annotation).split(".")[-1].strip("'>") in str(caught.value)


@dataclass(frozen=True)
class Sku:
    code: str


def to_sku(raw: str, ctx: ConvertContext) -> Sku:
    if not raw.upper().startswith("SKU-"):
        raise ValueError("is not a product code like SKU-123")
    return Sku(raw.upper())


def test_a_registered_type_of_your_own_is_used_and_can_be_replaced() -> None:
    with pytest.raises(TypeError):
        arg_type_for(Sku)
    register_arg_type(Sku, ArgType("sku", "SKU-123", "a product code", to_sku))
    assert arg_type_for(Sku).convert("sku-9", CTX) == Sku("SKU-9")
    assert arg_type_for(Sku | None).name == "sku"
    register_arg_type(Sku, ArgType("product", "SKU-1", "a product code", to_sku))
    assert arg_type_for(Sku).name == "product"
    with pytest.raises(TypeError):
        register_arg_type("Sku", ArgType("x", "", "", to_sku))  # type: ignore[arg-type]


# --- any input -------------------------------------------------------------------------------

BUILT_INS = [PhoneNumber, Email, MerchantId, TransactionId, MerchantRef, int, str, Rest]


@settings(deadline=None, max_examples=300)
@given(st.sampled_from(BUILT_INS), st.text())
def test_built_in_conversions_return_a_value_or_a_value_error(annotation: type, raw: str) -> None:
    try:
        convert(annotation, raw)
    except ValueError as exc:
        assert str(exc)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("m 10001", "M-10001"),
        ("<sinar@example.id>", "sinar@example.id"),
        ("mailto:sinar@example.id", "sinar@example.id"),
        ("0062 812 3456 7890", "+6281234567890"),
    ],
)
def test_a_merchant_written_as_agents_paste_it_is_read(typed: str, expected: str) -> None:
    from supportbot.core.parsing import bind, params_from_signature

    async def merchant(ctx: object, who: MerchantRef) -> None: ...

    assert bind("merchant", params_from_signature(merchant), typed)["who"].value == expected


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("10001", "did you mean M-10001?"),
        ("TX-1042", "/transaction TX-1042"),
        ("tx1042", "/transaction TX-1042"),
    ],
)
def test_a_near_miss_for_a_merchant_says_what_to_type(typed: str, hint: str) -> None:
    with pytest.raises(ValueError, match=re.escape(hint)):
        MerchantRef.parse(typed)
