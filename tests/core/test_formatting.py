"""Money and times as Indonesian support agents read them."""

from __future__ import annotations

import pytest

from supportbot import format_money, format_when


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (150000, "IDR", "Rp 150.000"),
        (0, "IDR", "Rp 0"),
        (-2500, "idr", "-Rp 2.500"),
        (1234567890, "IDR", "Rp 1.234.567.890"),
        (12.5, "USD", "12.50 USD"),
        (None, "IDR", "—"),
    ],
)
def test_money(amount: float | None, currency: str, shown: str) -> None:
    assert format_money(amount, currency) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2026-11-20T14:02:00+07:00", "2026-11-20 14:02 WIB"),
        ("2026-11-20T14:02:00+08:00", "2026-11-20 14:02 WITA"),
        ("2026-11-20T14:02:00+09:00", "2026-11-20 14:02 WIT"),
        ("2026-11-20T07:02:00Z", "2026-11-20 07:02 UTC"),
        ("2026-11-20T14:02:00+05:30", "2026-11-20 14:02 UTC+05:30"),
        ("2026-11-20T14:02:00", "2026-11-20 14:02"),
        ("2026-11-20", "2026-11-20"),
        ("", "—"),
        (None, "—"),
        ("yesterday 🙂", "yesterday 🙂"),
    ],
)
def test_when(value: str | None, shown: str) -> None:
    assert format_when(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("+6281234567890", "0812-3456-7890"),
        ("081234567890", "0812-3456-7890"),
        ("not a phone", "not a phone"),
        ("", "—"),
        (None, "—"),
    ],
)
def test_phone(value: str | None, shown: str) -> None:
    from supportbot import format_phone

    assert format_phone(value) == shown
