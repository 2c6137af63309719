"""The one phone-number recogniser: what the parser accepts and what the masker hides.

Agents paste numbers from everywhere, so a number may come with en-dashes, figure dashes or
non-breaking hyphens between its groups, full-width digits (`０８１２`), the `00` international
prefix (`0062 812 3456 7890`), or a `+` for each space when it was copied out of a URL
(`0812+3456+7890`). `fold` reads all of these as the ASCII a phone library understands, one
character for one character, so a span found in folded text is the same span in the original.

`read_phone` is the parser (`PhoneNumber.parse` and `MerchantRef` use it); `phone_spans` finds,
in free text, every stretch of words that `read_phone` would accept, which is what
`supportbot.core.masking.mask_text` hides. Because both go through `read_phone`, anything the
parser accepts as a phone number is masked wherever the masker sees it (a property test holds
them to that: tests/core/test_phones.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from . import wording as messages

__all__ = [
    "MAX_PHONE_CHARS",
    "MAX_PHONE_DIGITS",
    "MIN_PHONE_DIGITS",
    "fold",
    "looks_like_phone",
    "national_form",
    "phone_spans",
    "read_phone",
    "starts_like_phone",
]

MAX_PHONE_CHARS = 40
MAX_PHONE_DIGITS = 17
#: The shortest number of any country, with its country code, has more digits than this.
MIN_PHONE_DIGITS = 6
#: A phone typed with spaces is at most this many words (`+62 812 3456 7890` is four).
MAX_PHONE_WORDS = 6

# Characters that are neither digits nor separators but read as one of them, beyond Unicode's
# own digits and dashes (handled in `_Folding`).
_LOOKALIKES = {
    "\u2212": "-",  # minus sign
    "\uff0b": "+",
    "\uff08": "(",
    "\uff09": ")",
    "\uff0e": ".",
    "\uff0f": "/",
    "\u00a0": " ",
    "\u202f": " ",
}
# Invisible characters the command parser drops: inside a number they only separate groups.
_INVISIBLE = "\u200b\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


class _Folding(dict[int, str]):
    """`str.translate` table, filled on first sight of each character (Unicode is large)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = _LOOKALIKES.get(char)
        if folded is None:
            if char in _INVISIBLE:
                folded = "-"
            elif char.isdecimal():
                folded = str(unicodedata.decimal(char))
            elif unicodedata.category(char) == "Pd":
                folded = "-"
            elif char.isspace() and char not in "\t\n\r":
                folded = " "
            else:
                folded = char
        self[code] = folded
        return folded


_FOLDING = _Folding()


def fold(text: str) -> str:
    """`０８１２–3456‑7890` -> `0812-3456-7890`: same length, ASCII digits and separators."""
    return text.translate(_FOLDING)


# After folding: an optional ( and +, a digit, then digits and separators. An inner + is a
# separator (a space, URL-encoded).
_SHAPE = re.compile(r"\(?\+?\(?[0-9][0-9 ().\-/+]*", re.ASCII)

_PARSE_PROBLEMS = {
    NumberParseException.INVALID_COUNTRY_CODE: "country",
    NumberParseException.NOT_A_NUMBER: "characters",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too_short",
    NumberParseException.TOO_SHORT_NSN: "too_short",
    NumberParseException.TOO_LONG: "too_long",
}
_POSSIBLE_PROBLEMS = {
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "country",
    phonenumbers.ValidationResult.TOO_SHORT: "too_short",
    phonenumbers.ValidationResult.TOO_LONG: "too_long",
    phonenumbers.ValidationResult.INVALID_LENGTH: "length",
}


@lru_cache(maxsize=32)
def _country_code(region: str) -> str:
    code = phonenumbers.country_code_for_region(region.upper())
    return str(code) if code else ""


def starts_like_phone(folded: str, region: str = "ID") -> bool:
    """Whether folded text starts as people start a number: `+`, `(`, `0`, or the country code.

    Bare digits that start otherwise (`10001`, `2024-01-15`) are ids, amounts or dates.
    """
    text = folded.lstrip("(")
    code = _country_code(region)
    return text.startswith(("+", "0")) or bool(code and text.startswith(code))


def looks_like_phone(raw: str) -> bool:
    """Digits and the separators of a phone number only (any script), at least one digit."""
    text = fold(raw.strip())
    return bool(text) and _SHAPE.fullmatch(text) is not None


def _digits(text: str) -> str:
    return "".join(c for c in text if "0" <= c <= "9")


def _problem(number: phonenumbers.PhoneNumber) -> str:
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == phonenumbers.ValidationResult.IS_POSSIBLE:
        # A possible length for some kind of number; merchants give mobiles, so say what is
        # wrong for a mobile (0812-3456 is "too short", not "no such number").
        reason = phonenumbers.is_possible_number_for_type_with_reason(
            number, PhoneNumberType.MOBILE
        )
    return _POSSIBLE_PROBLEMS.get(reason, "not_in_use")


def _parse(text: str, region: str) -> phonenumbers.PhoneNumber:
    try:
        return phonenumbers.parse(text, region)
    except NumberParseException as exc:
        raise ValueError(messages.invalid_phone(_PARSE_PROBLEMS.get(exc.error_type, ""))) from None


def read_phone(raw: str, region: str = "ID") -> phonenumbers.PhoneNumber:
    """Read a typed phone number, in any usual format, as a valid number.

    `region` is used for numbers typed without +country. Digits that start with the region's
    country code but no + (`6281234567890`) are read as international when they are not a
    valid national number, and so are digits after `00`. Raises ValueError whose text is the
    reason a user reads ("is not a valid phone number: too short").
    """
    text = fold(raw.strip())
    if not text:
        raise ValueError(messages.empty_value())
    digits = _digits(text)
    if len(text) > MAX_PHONE_CHARS or len(digits) > MAX_PHONE_DIGITS:
        raise ValueError(messages.invalid_phone("too_long"))
    if not digits or not _SHAPE.fullmatch(text):
        raise ValueError(messages.invalid_phone("characters"))
    head, rest = ("+", text[1:]) if text.startswith("+") else ("", text)
    text = head + rest.replace("+", " ")
    number = _parse(text, region)
    if phonenumbers.is_valid_number(number):
        if not starts_like_phone(text, region):
            # 81234567890 reads as a number, but so do ids, dates and amounts: ask for the 0.
            raise ValueError(messages.invalid_phone("start"))
        return number
    if digits.startswith("00") and not head:
        # 00 is how most of the world dials abroad; phonenumbers knows only a region's own IDD.
        international = _parse("+" + digits[2:], region)
        if phonenumbers.is_valid_number(international):
            return international
        raise ValueError(messages.invalid_phone(_problem(international)))
    raise ValueError(messages.invalid_phone(_problem(number)))


def national_form(number: phonenumbers.PhoneNumber, region: str = "ID") -> str:
    """How agents write the number: `0812-3456-7890` for Indonesian mobiles.

    Other numbers of `region` use phonenumbers' national format; numbers of another country use
    the international format, because a national form would hide which country they are in.
    """
    if number.country_code != phonenumbers.country_code_for_region(region):
        return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    kind = phonenumbers.number_type(number)
    if number.country_code == 62 and kind in (
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        digits = "0" + phonenumbers.national_significant_number(number)
        return f"{digits[:4]}-{digits[4:8]}-{digits[8:]}"
    return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)


# Stretches of folded text made of phone characters that do not continue a word, an id
# (`TX-0812…`) or a masked value. Quotes and backslashes count as separators here: the command
# parser removes them from inside a word, so `0812'3456'7890` is one word to it.
_RUN = re.compile(r"(?<![\w•+\-.])[(+0-9][0-9 ().\-/+'\"\\]*", re.ASCII)
_WORD = re.compile(r"\S+")
_QUOTES = str.maketrans({"'": None, '"': None, "\\": None})


# Cached: masking runs its finders again over its own result until nothing changes, and text
# that repeats itself (a pasted log, "0 0 0 ...") asks about the same stretches again.
@lru_cache(maxsize=4096)
def _accepts(candidate: str, region: str) -> bool:
    text = candidate.translate(_QUOTES)
    if not MIN_PHONE_DIGITS <= len(_digits(text)) <= MAX_PHONE_DIGITS:
        return False
    try:
        read_phone(text, region)
    except ValueError:
        return False
    return True


def phone_spans(text: str, region: str = "ID") -> Iterator[tuple[int, int]]:
    """(start, end) of every stretch of `text` that `read_phone` accepts, words joined as the
    command parser joins them (`+62 812 3456 7890` is one number), longest first. Ends are
    trimmed of trailing separators, so `…7890.` leaves the full stop."""
    folded = fold(text)
    for run in _RUN.finditer(folded):
        if len(_digits(run.group())) < MIN_PHONE_DIGITS:
            continue
        words = [
            (m.start() + run.start(), m.end() + run.start()) for m in _WORD.finditer(run.group())
        ]
        index = 0
        while index < len(words):
            if not starts_like_phone(folded[words[index][0] :].lstrip("'\"\\"), region):
                index += 1
                continue
            for count in range(min(MAX_PHONE_WORDS, len(words) - index), 0, -1):
                start, end = words[index][0], words[index + count - 1][1]
                candidate = folded[start:end]
                if _accepts(candidate, region):
                    trimmed = candidate.rstrip(" .-/+'\"\\")
                    yield start, start + len(trimmed)
                    index += count
                    break
            else:
                index += 1
