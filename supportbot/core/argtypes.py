"""Typed command arguments: the value classes plugins annotate with, and how text becomes them.

A handler's annotations choose the conversion (`who: MerchantRef`, `tx: TransactionId`,
`amount: int`, `reason: Rest`, `channel: Literal["sms", "email"]`, `force: bool`). Each annotation
maps to an `ArgType` that knows its usage name, an example and how to convert one word, raising
ValueError with the reason a user reads. `register_arg_type` adds types of your own.

Value classes are frozen and hashable; `str()` is the canonical form, `repr()` never shows
personal data, and `.masked` is the form for logs, audit and shared channels.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Annotated, Literal, Union, get_args, get_origin

import phonenumbers

from . import wording as messages
from .amounts import Amount
from .masking import mask_email, mask_phone
from .phones import looks_like_phone, national_form, read_phone

__all__ = [
    "Amount",
    "ArgType",
    "ConvertContext",
    "Email",
    "MerchantId",
    "MerchantRef",
    "PhoneNumber",
    "Rest",
    "TransactionId",
    "arg_type_for",
    "register_arg_type",
    "unwrap_annotation",
]

MAX_EMAIL = 254
MAX_INT_DIGITS = 18

_E164 = re.compile(r"\+[1-9][0-9]{6,16}", re.ASCII)
# `m 10001` is two words to the parser, which joins them for a spaced type (see MERCHANT_ID).
_MERCHANT_ID = re.compile(r"[Mm][- ]?([0-9]{4,9})", re.ASCII)
_MERCHANT_ID_LIKE = re.compile(r"[Mm][- ]?[0-9]*", re.ASCII)
_BARE_MERCHANT_NUMBER = re.compile(r"[1-9][0-9]{3,8}", re.ASCII)
_TRANSACTION_ID = re.compile(r"[Tt][Xx][- ]?([0-9]{1,12})", re.ASCII)
# An address pasted from a mail client: <sinar@example.id> or mailto:sinar@example.id.
_EMAIL_WRAPPING = re.compile(r"(?i:mailto:)?<?(?P<address>[^<>]*)>?")
_INT = re.compile(r"[+-]?[0-9]+", re.ASCII)
_DOMAIN_LABEL = re.compile(r"[^\W_](?:[\w-]*[^\W_])?")


@dataclass(frozen=True)
class ConvertContext:
    """What a conversion may depend on: the region for phone numbers typed without +country."""

    phone_region: str = "ID"


@dataclass(frozen=True, repr=False)
class PhoneNumber:
    """A valid phone number, kept as E.164 (`+6281234567890`). Build one with `parse()`."""

    e164: str
    #: The region numbers are written for (`national`); not part of equality.
    region: str = field(default="ID", compare=False)

    def __post_init__(self) -> None:
        if not _E164.fullmatch(self.e164):
            raise ValueError("PhoneNumber takes E.164 (+6281234567890); use PhoneNumber.parse()")

    @classmethod
    def parse(cls, raw: str, region: str = "ID") -> PhoneNumber:
        """`0812-3456-7890`, `+62 812 3456 7890`, `6281234567890`... ValueError with a reason."""
        return cls(_e164_of(raw, region), region)

    @property
    def national(self) -> str:
        """As agents write it: `0812-3456-7890` (foreign numbers: international format)."""
        return _national_of(self.e164, self.region)

    @property
    def masked(self) -> str:
        """`0812-••••-7890`."""
        return mask_phone(self.e164, self.region)

    def __str__(self) -> str:
        return self.e164

    def __repr__(self) -> str:
        return f"PhoneNumber({self.masked!r})"


# phonenumbers takes 0.1-0.3 ms per parse, and a card formats the same few numbers on every
# lookup: both readings are pure, so they are kept (a failed reading raises, and is not kept).
@lru_cache(maxsize=4096)
def _e164_of(raw: str, region: str) -> str:
    return phonenumbers.format_number(read_phone(raw, region), phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=4096)
def _national_of(e164: str, region: str) -> str:
    return national_form(phonenumbers.parse(e164, None), region)


@dataclass(frozen=True, repr=False)
class Email:
    """An email address, lightly checked, its domain lower-cased. Build one with `parse()`."""

    address: str

    def __post_init__(self) -> None:
        problem = _email_problem(self.address)
        if problem:
            raise ValueError(messages.invalid_email(problem))
        if self.domain != self.domain.lower():
            raise ValueError("Email takes a lower-case domain; use Email.parse()")

    @classmethod
    def parse(cls, raw: str) -> Email:
        """`Sinar@Example.ID` -> `Sinar@example.id`; ValueError with a reason otherwise."""
        text = raw.strip()
        if not text:
            raise ValueError(messages.empty_value())
        unwrapped = _EMAIL_WRAPPING.fullmatch(text)
        if unwrapped is not None and "@" in unwrapped.group("address"):
            text = unwrapped.group("address").strip()
        local, at, domain = text.rpartition("@")
        canonical = f"{local}{at}{domain.lower()}"
        problem = _email_problem(canonical)
        if problem:
            raise ValueError(messages.invalid_email(problem))
        return cls(canonical)

    @property
    def local(self) -> str:
        """The part before the @."""
        return self.address.rpartition("@")[0]

    @property
    def domain(self) -> str:
        """The part after the @, lower-cased."""
        return self.address.rpartition("@")[2]

    @property
    def masked(self) -> str:
        """`s•••@example.id`."""
        return mask_email(self.address)

    def __str__(self) -> str:
        return self.address

    def __repr__(self) -> str:
        return f"Email({self.masked!r})"


def _email_problem(text: str) -> str | None:
    if len(text) > MAX_EMAIL:
        return "too_long"
    if any(c.isspace() or not c.isprintable() for c in text):
        return "spaces"
    if text.count("@") != 1:
        return "at"
    local, _, domain = text.partition("@")
    if not local:
        return "local"
    labels = domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels):
        return "domain"
    if len(labels[-1]) < 2:  # no top-level domain has one letter: a@b.c is a typo
        return "domain"
    return None


@dataclass(frozen=True)
class MerchantId:
    """A merchant id, canonical `M-10001`; accepts `m-10001`, `M10001`. Not personal data."""

    value: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"M-[0-9]{4,9}", self.value, re.ASCII):
            raise ValueError(messages.invalid_merchant_id())

    @classmethod
    def parse(cls, raw: str) -> MerchantId:
        """`m10001` -> `M-10001`; ValueError with a reason otherwise."""
        match = _MERCHANT_ID.fullmatch(raw.strip())
        if match is None:
            raise ValueError(messages.invalid_merchant_id())
        return cls(f"M-{match.group(1)}")

    @property
    def masked(self) -> str:
        """The id itself: it is not personal data."""
        return self.value

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class TransactionId:
    """A transaction id, canonical `TX-1042`; accepts `tx-1042`, `TX1042`."""

    value: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"TX-[0-9]{1,12}", self.value, re.ASCII):
            raise ValueError(messages.invalid_transaction_id())

    @classmethod
    def parse(cls, raw: str) -> TransactionId:
        """`tx1042` -> `TX-1042`; ValueError with a reason otherwise."""
        match = _TRANSACTION_ID.fullmatch(raw.strip())
        if match is None:
            raise ValueError(messages.invalid_transaction_id())
        return cls(f"TX-{match.group(1)}")

    def __str__(self) -> str:
        return self.value


RefKind = Literal["phone", "email", "merchant_id"]


@dataclass(frozen=True, repr=False)
class MerchantRef:
    """How an agent names a merchant: a phone number, an email or a merchant id (exactly one).

    `kind` says which; `value` is its canonical text (E.164, email, `M-10001`).
    """

    phone: PhoneNumber | None = None
    email: Email | None = None
    merchant_id: MerchantId | None = None

    def __post_init__(self) -> None:
        given = [v for v in (self.phone, self.email, self.merchant_id) if v is not None]
        if len(given) != 1:
            raise ValueError("MerchantRef takes exactly one of phone, email, merchant_id")

    @classmethod
    def parse(cls, raw: str, region: str = "ID") -> MerchantRef:
        """A merchant id if it looks like one, else an email if it has an @, else a phone."""
        text = raw.strip()
        if not text:
            raise ValueError(messages.empty_value())
        if _MERCHANT_ID_LIKE.fullmatch(text):
            return cls(merchant_id=MerchantId.parse(text))
        if "@" in text:
            return cls(email=Email.parse(text))
        if _BARE_MERCHANT_NUMBER.fullmatch(text):
            raise ValueError(messages.invalid_merchant_ref(f"M-{text}"))
        transaction = _TRANSACTION_ID.fullmatch(text)
        if transaction is not None:
            raise ValueError(messages.transaction_not_merchant(f"TX-{transaction.group(1)}"))
        if looks_like_phone(text):
            return cls(phone=PhoneNumber.parse(text, region))
        raise ValueError(messages.invalid_merchant_ref())

    @property
    def kind(self) -> RefKind:
        """ "phone", "email" or "merchant_id"."""
        if self.phone is not None:
            return "phone"
        return "email" if self.email is not None else "merchant_id"

    @property
    def value(self) -> str:
        """The canonical text: `+6281234567890`, `sinar@example.id` or `M-10001`."""
        return str(self.phone or self.email or self.merchant_id)

    @property
    def masked(self) -> str:
        """The reference with personal data masked."""
        found = self.phone or self.email or self.merchant_id
        assert found is not None
        return found.masked

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        return f"MerchantRef({self.kind}={self.masked!r})"


class Rest(str):
    """The rest of the line, as typed (quotes and spacing kept): `reason: Rest`. Last positional."""

    __slots__ = ()


Converter = Callable[[str, ConvertContext], object]


@dataclass(frozen=True)
class ArgType:
    """How one annotation is read from chat text.

    `name` is shown in usage lines (`<transaction id>`), `example` is a valid value for example
    lines, `describe` says in a few words what is accepted. `convert(raw, ctx)` returns the value
    or raises ValueError whose text is the reason a user reads ("is not a valid phone number:
    too short"). For `generic` types (int, str, text) usage shows the parameter's own name.
    The value is one word; quotes keep spaces in it (`"Toko Jaya"`).

    A type of your own, registered once at import time (registering again replaces it)::

        @dataclass(frozen=True)
        class Sku:
            code: str

        def to_sku(raw: str, ctx: ConvertContext) -> Sku:
            if not raw.upper().startswith("SKU-"):
                raise ValueError("is not a product code like SKU-123")
            return Sku(raw.upper())

        register_arg_type(Sku, ArgType("sku", "SKU-123", "a product code like SKU-123", to_sku))
    """

    name: str
    example: str
    describe: str
    converter: Converter
    generic: bool = False
    #: The accepted values of a fixed list (a `Literal[...]`), shown as `sms|email` in usage.
    choices: tuple[str, ...] = ()
    #: People type it with spaces between digit groups (+62 812 3456 7890): the parser joins
    #: such words when the first alone is not valid.
    spaced: bool = False

    def convert(self, raw: str, ctx: ConvertContext) -> object:
        """The value for `raw`; ValueError with a human reason when it is not valid."""
        return self.converter(raw, ctx)


def _to_int(raw: str, ctx: ConvertContext) -> int:
    text = raw.strip()
    if not text:
        raise ValueError(messages.empty_value())
    if not _INT.fullmatch(text):
        raise ValueError(messages.invalid_whole_number())
    if len(text.lstrip("+-")) > MAX_INT_DIGITS:
        raise ValueError(messages.number_too_large(MAX_INT_DIGITS))
    return int(text)


def _to_word(raw: str, ctx: ConvertContext) -> str:
    if not raw.strip():
        raise ValueError(messages.empty_value())
    return raw


def _to_flag(raw: str, ctx: ConvertContext) -> bool:
    return True


PHONE = ArgType(
    "phone",
    "0812-3456-7890",
    "a phone number, e.g. 0812-3456-7890 or +62 812 3456 7890",
    lambda raw, ctx: PhoneNumber.parse(raw, ctx.phone_region),
    spaced=True,
)
EMAIL = ArgType("email", "sinar@example.id", "an email address", lambda raw, ctx: Email.parse(raw))
MERCHANT_ID = ArgType(
    "merchant id",
    "M-10001",
    "a merchant id, e.g. M-10001",
    lambda raw, ctx: MerchantId.parse(raw),
    spaced=True,
)
TRANSACTION_ID = ArgType(
    "transaction id",
    "TX-1042",
    "a transaction id, e.g. TX-1042",
    lambda raw, ctx: TransactionId.parse(raw),
    spaced=True,
)
MERCHANT_REF = ArgType(
    "phone|email|merchant id",
    "0812-3456-7890",
    "a phone number (0812-3456-7890), an email (sinar@example.id) or a merchant id (M-10001)",
    lambda raw, ctx: MerchantRef.parse(raw, ctx.phone_region),
    spaced=True,
)
AMOUNT = ArgType(
    "amount",
    "150000",
    "an amount in rupiah: 150000, 150.000, Rp 150.000 or 150rb",
    lambda raw, ctx: Amount.parse(raw),
    spaced=True,
)
INT = ArgType("number", "42", "a whole number, digits only", _to_int, generic=True)
# A word or free text has no example that would not read as a placeholder ("word"): commands
# taking one declare their own `examples=`.
WORD = ArgType("word", "", "one word (put several in quotes)", _to_word, generic=True)
TEXT = ArgType("text", "", "the rest of the line", lambda raw, ctx: Rest(raw), generic=True)
FLAG = ArgType("flag", "", "a switch, off unless given", _to_flag, generic=True)

_ARG_TYPES: dict[type, ArgType] = {
    PhoneNumber: PHONE,
    Email: EMAIL,
    MerchantId: MERCHANT_ID,
    TransactionId: TRANSACTION_ID,
    MerchantRef: MERCHANT_REF,
    Amount: AMOUNT,
    int: INT,
    str: WORD,
    Rest: TEXT,
    bool: FLAG,
}


def register_arg_type(cls: type, argtype: ArgType) -> None:
    """Let handlers annotate arguments with `cls`; see `ArgType` for an example.

    Only the exact class is matched (not its subclasses). Registering a class again replaces
    the earlier registration, so re-imported plugins do not fail.
    """
    if not isinstance(cls, type):
        raise TypeError(f"register_arg_type takes a class, not {cls!r}")
    _ARG_TYPES[cls] = argtype


def unwrap_annotation(annotation: object) -> tuple[object, bool, str | None]:
    """(inner type, optional?, help) from `X`, `X | None`, `Optional[X]`, `Annotated[X, "help"]`."""
    help_text: str | None = None
    optional = False
    for _ in range(4):  # Annotated[X | None, ...] and Annotated[X, ...] | None both unwrap
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation, *metadata = get_args(annotation)
            help_text = next((m for m in metadata if isinstance(m, str)), help_text)
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                raise TypeError(f"supportbot cannot read a command argument of type {annotation}")
            optional = True
            annotation = members[0]
        else:
            break
    return annotation, optional, help_text


def _choice(values: tuple[object, ...], annotation: object) -> ArgType:
    if not values or not all(isinstance(v, str) and v for v in values):
        raise TypeError(f"{annotation}: a Literal argument takes non-empty strings only")
    choices = tuple(str(v) for v in values)
    by_key = {c.casefold(): c for c in choices}
    if len(by_key) != len(choices):
        raise TypeError(f"{annotation}: choices must differ by more than upper/lower case")

    def to_choice(raw: str, ctx: ConvertContext) -> str:
        found = by_key.get(raw.strip().casefold())
        if found is None:
            raise ValueError(messages.invalid_choice(choices))
        return found

    return ArgType(
        "|".join(choices), choices[0], "one of: " + ", ".join(choices), to_choice, choices=choices
    )


def arg_type_for(annotation: object) -> ArgType:
    """The ArgType for a handler annotation; TypeError naming it when supportbot cannot read it."""
    inner, _, _ = unwrap_annotation(annotation)
    if get_origin(inner) is Literal:
        return _choice(get_args(inner), inner)
    if isinstance(inner, type) and inner in _ARG_TYPES:
        return _ARG_TYPES[inner]
    known = ", ".join(sorted(t.__name__ for t in _ARG_TYPES))
    raise TypeError(
        f"supportbot cannot read a command argument of type {annotation!r}. Use one of {known}, "
        "a Literal[...] of strings, X | None, or register_arg_type() for a type of your own."
    )
