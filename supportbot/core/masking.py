"""Personal data masked one way everywhere: phone numbers and email addresses.

The value classes in `argtypes` (`PhoneNumber.masked`, `Email.masked`) call these functions, so a
number reads the same in a reply, a confirmation prompt and the audit trail: `0812-••••-7890`,
`s•••@example.id`. Phone numbers are recognised by `supportbot.core.phones`, the same recogniser
the command parser uses, so whatever the parser accepts as a phone number is masked here.

Masking never raises and is idempotent: masking masked text changes nothing.

The look is configurable (`mask_symbol`, `mask_phone_digits`, `mask_email_chars`): the bot calls
`use_mask_style` once at start, so every mask in the process looks the same. At least four
digits of a phone number are always hidden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import phonenumbers

from .phones import fold, national_form, phone_spans, read_phone
from .reply import Field, Reply, Section

if TYPE_CHECKING:
    from .settings import Settings

__all__ = [
    "HIDDEN",
    "MaskStyle",
    "hidden",
    "mask_email",
    "mask_phone",
    "mask_reply",
    "mask_text",
    "national_form",
    "parse_phone",
    "use_mask_style",
]

#: The parser's reader, under its older name.
parse_phone = read_phone


@dataclass(frozen=True)
class MaskStyle:
    """How masked values look: `0812-••••-7890` and `s•••@example.id` by default."""

    #: The character that stands for hidden ones (four for a phone, three for an email).
    symbol: str = "•"
    #: Digits of a phone number shown at each end, 0 to 4 (at least 4 are always hidden).
    phone_digits: int = 4
    #: Characters of an email's local part shown, 0 to 3.
    email_chars: int = 1

    def __post_init__(self) -> None:
        if len(self.symbol) != 1 or self.symbol.isalnum() or self.symbol in "@+-.()/ \t\n":
            raise ValueError(
                "mask_symbol must be one character that is not a letter, digit, "
                "space or one of @ + - . ( ) /"
            )
        if not 0 <= self.phone_digits <= 4 or not 0 <= self.email_chars <= 3:
            raise ValueError("mask_phone_digits is 0 to 4, mask_email_chars 0 to 3")


_STYLE = MaskStyle()


def use_mask_style(style: MaskStyle) -> None:
    """Mask everything from now on in `style` (the bot calls it at start from its settings)."""
    global _STYLE
    _STYLE = style


def style_of(settings: Settings) -> MaskStyle:
    """The style the settings ask for."""
    return MaskStyle(settings.mask_symbol, settings.mask_phone_digits, settings.mask_email_chars)


def hidden() -> str:
    """What a personal value that is neither a phone number nor an email becomes (`•••`)."""
    return _STYLE.symbol * 3


@lru_cache(maxsize=8)
def _masked_phone(symbol: str) -> re.Pattern[str]:
    mark = re.escape(symbol * 4)
    return re.compile(rf"(?:\+[0-9]{{1,3}} )?\+?[0-9]{{0,4}}-?{mark}-?[0-9]{{0,4}}")


_LOCAL_CHARS = r"\w.!#$%&'*+/=?^`{|}~-"
# The lookbehind starts a match only at the start of a local part: linear time on long words.
_EMAIL = re.compile(
    rf"(?<![{_LOCAL_CHARS}])[{_LOCAL_CHARS}]+@[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)+"
)
# Six digits, with the separators people type between them: the shortest phone number of any
# country (with its country code) has more, so text without such a run holds no phone number.
_DIGIT_RUN = re.compile(r"(?:[0-9][\s().\-/+'\"\\]*){6}", re.ASCII)
# Amounts written with thousands separators ("1.500.000") are valid-looking numbers, not phones.
_THOUSANDS = re.compile(r"[1-9][0-9]{0,2}(?:[.,][0-9]{3})+")


def _mask_digits(text: str) -> str:
    """Keep the first and last digits (4 each at most), always hiding at least 4 in between."""
    digits = "".join(c for c in fold(text) if "0" <= c <= "9")
    hidden_at_least, keep, bullets = 4, _STYLE.phone_digits, _STYLE.symbol * 4
    head = max(0, min(keep, (len(digits) - hidden_at_least) // 2))
    tail = max(0, min(keep, len(digits) - hidden_at_least - head))
    if head == 0 and tail == 0:
        return bullets
    plus = "+" if fold(text).lstrip("( ").startswith("+") and head else ""
    kept = [digits[:head], bullets, digits[len(digits) - tail :]]
    return plus + "-".join(part for part in kept if part)


def mask_phone(value: str, region: str = "ID") -> str:
    """`0812-3456-7890` (in any format) -> `0812-••••-7890`.

    A valid number is masked from its national form, so every way of typing it masks alike.
    Anything else keeps at most its first and last 4 digits, hiding at least 4. Already masked
    values are returned unchanged; "" stays "".
    """
    text = value.strip()
    if not text or _masked_phone(_STYLE.symbol).fullmatch(text):
        return text
    try:
        number = read_phone(text, region)
    except ValueError:
        return _mask_digits(text)
    if number.country_code != phonenumbers.country_code_for_region(region):
        national = phonenumbers.national_significant_number(number)
        return f"+{number.country_code} {_mask_digits(national)}"
    return _mask_digits(national_form(number, region))


def mask_email(value: str) -> str:
    """`Sinar@Example.ID` -> `S•••@example.id`: the first character, then the domain.

    Something without a local part or an @ is hidden entirely (`•••`). Already masked values are
    returned unchanged; "" stays "".
    """
    text = value.strip()
    if not text:
        return ""
    local, at, domain = text.rpartition("@")
    symbol = _STYLE.symbol
    if not at:
        return symbol * 3
    if symbol * 3 in local:  # already masked
        return f"{local}@{domain.lower()}"
    return f"{local[: _STYLE.email_chars]}{symbol * 3}@{domain.lower()}"


@lru_cache(maxsize=32)
def _phone_run(region: str, symbol: str = "•") -> re.Pattern[str]:
    """Phone-shaped digit runs (in folded text) that start like a phone: +, 0, or the region's
    country code; inside them + and quotes are separators, as the parser reads them."""
    code = phonenumbers.country_code_for_region(region)
    starts = r"\(?\+[0-9]|\(?0" + (f"|{code}" if code else "")
    return re.compile(
        rf"(?<![\w{re.escape(symbol)}+\-.])(?:{starts})[0-9 ().\-+'\"\\]*[0-9]", re.ASCII
    )


def _mask_found(found: str, region: str) -> str:
    """Mask a phone found in text, keeping a bracket that belongs to the text around it."""
    opened, closed = found.count("("), found.count(")")
    lead = "(" if found.startswith("(") and opened > closed else ""
    trail = ")" if found.endswith(")") and closed > opened else ""
    core = found[len(lead) : len(found) - len(trail)]
    return lead + mask_phone(core, region) + trail


def _replace(text: str, spans: list[tuple[int, int]], region: str) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + _mask_found(text[start:end], region) + text[end:]
    return text


def _matched_spans(folded: str, region: str) -> list[tuple[int, int]]:
    """Valid numbers phonenumbers' own matcher finds (a second opinion on the recogniser)."""
    spans: list[tuple[int, int]] = []
    try:
        for match in phonenumbers.PhoneNumberMatcher(
            folded, region, leniency=phonenumbers.Leniency.VALID
        ):
            if not _THOUSANDS.fullmatch(match.raw_string):
                spans.append((match.start, match.end))
    except Exception:  # any failure here: the passes around it still mask what they find
        return []
    return spans


def _run_spans(folded: str, region: str) -> list[tuple[int, int]]:
    """Runs of 8+ digits that start like a phone, even when no number is valid in them."""
    return [
        match.span()
        for match in _phone_run(region, _STYLE.symbol).finditer(folded)
        if sum(c.isdigit() for c in match.group()) >= 8
    ]


def _mask_once(text: str, region: str) -> str:
    text = _EMAIL.sub(lambda match: mask_email(match.group()), text)
    # The three finders look at the same folded text (same length as the text); spans that
    # overlap are one number to mask, so that one finder's short match cannot mask half of
    # another's and leave the rest in the clear ("0310000 +62 8110000000").
    folded = fold(text)
    spans = [
        span for find in (phone_spans, _matched_spans, _run_spans) for span in find(folded, region)
    ]
    return _replace(text, _merged(spans), region)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mask_text(text: str, region: str = "ID") -> str:
    """Mask every phone number and email address in free text, leaving the rest as it was.

    Phones are found by the command parser's own recogniser (`phones.phone_spans`: whatever
    `/merchant` would accept), by phonenumbers' matcher, and, to be safe, by any run of 8+
    digits that starts like a phone (+, 0 or the country code) even if invalid.
    Never raises; masking the result again changes nothing.
    """
    if "@" not in text and not _DIGIT_RUN.search(fold(text)):
        return text  # no email, and no run of digits long enough to be any country's number
    region = region.upper()
    # Masking can join a kept tail with digits that follow it into a new phone-shaped run, so
    # repeat until nothing changes. Each change removes digits or an unmasked @, so this ends.
    for _ in range(100):
        masked = _mask_once(text, region)
        if masked == text:
            break
        text = masked
    return text


#: What a personal value that is neither a phone number nor an email becomes (default style).
HIDDEN = "•••"


def _masked_or_none(text: str | None, region: str) -> str | None:
    return None if text is None else mask_text(text, region)


def _personal(value: str, region: str) -> str:
    masked = mask_text(value, region)
    return masked if masked != value else hidden()


def mask_reply(reply: Reply, region: str = "ID") -> Reply:
    """`reply` with its personal data masked: fields marked `personal` (phones and emails keep a
    recognisable shape, anything else becomes •••), and phones and emails in every text.
    Buttons, choices and the outcome are kept."""
    sections = [
        Section(
            title=_masked_or_none(section.title, region),
            source=section.source,
            fields=[
                Field(
                    label=field.label,
                    value=_personal(field.value, region)
                    if field.personal
                    else mask_text(field.value, region),
                    personal=field.personal,
                )
                for field in section.fields
            ],
            text=_masked_or_none(section.text, region),
            items=[mask_text(item, region) for item in section.items],
        )
        for section in reply.sections
    ]
    return reply.model_copy(
        update={
            "title": _masked_or_none(reply.title, region),
            "text": _masked_or_none(reply.text, region),
            "sections": sections,
            "footer": _masked_or_none(reply.footer, region),
        }
    )
