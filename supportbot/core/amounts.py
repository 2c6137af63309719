"""Amounts of money as agents type them (`Rp 150.000`, `150rb`, `1,5jt`): the `Amount` argument
type's value and its parser."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import wording as messages

__all__ = ["MAX_AMOUNT", "Amount"]


@dataclass(frozen=True)
class Amount:
    """An amount of money in whole rupiah, as agents type it: `150000`, `150.000`, `Rp150.000`,
    `Rp 150.000`, `150rb` or `150k` (thousands), `2jt` or `1,5jt` (millions). More than 0."""

    value: int

    def __post_init__(self) -> None:
        if not 0 < self.value <= MAX_AMOUNT:
            raise ValueError(messages.invalid_amount())

    @classmethod
    def parse(cls, raw: str) -> Amount:
        """`Rp 150.000` -> Amount(150000), `1,5jt` -> Amount(1500000); ValueError otherwise."""
        match = _AMOUNT.fullmatch(raw.strip())
        if match is None:
            raise ValueError(messages.invalid_amount())
        digits, unit = match.group("digits"), (match.group("unit") or "").lower()
        scale = _UNITS.get(unit, 1)
        if scale > 1 and _DECIMAL.fullmatch(digits):
            # 1,5jt or 1.5jt: Indonesians write a decimal comma; only whole rupiah are money.
            whole, _, fraction = digits.replace(",", ".").partition(".")
            places = len(str(scale)) - 1
            if len(fraction) > places:
                raise ValueError(messages.invalid_amount())
            value = int(whole) * scale + int(fraction.ljust(places, "0"))
        elif "," in digits or ("." in digits and (scale > 1 or not _GROUPED.fullmatch(digits))):
            raise ValueError(messages.invalid_amount())
        else:
            number = digits.replace(".", "")
            if len(number) > MAX_AMOUNT_DIGITS:
                raise ValueError(messages.invalid_amount())
            value = int(number) * scale
        if not 0 < value <= MAX_AMOUNT:
            raise ValueError(messages.invalid_amount())
        return cls(value)

    def __str__(self) -> str:
        return str(self.value)

    @property
    def shown(self) -> str:
        """`Rp 150.000`."""
        return "Rp " + f"{self.value:,}".replace(",", ".")


MAX_AMOUNT = 10**12
MAX_AMOUNT_DIGITS = 13
_AMOUNT = re.compile(
    r"(?:rp\.?\s*)?(?P<digits>[0-9][0-9.,]{0,20})\s*(?P<unit>rb|k|ribu|jt|juta)?",
    re.ASCII | re.IGNORECASE,
)
_UNITS = {"rb": 1000, "k": 1000, "ribu": 1000, "jt": 1_000_000, "juta": 1_000_000}
_DECIMAL = re.compile(r"[0-9]{1,6}[.,][0-9]{1,2}", re.ASCII)  # 150.000k stays ambiguous
_GROUPED = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+", re.ASCII)
