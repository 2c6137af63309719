"""Small formatting helpers commands share: money and times as support agents read them."""

from __future__ import annotations

from datetime import datetime

__all__ = ["format_money", "format_when"]


def format_money(amount: int | float | None, currency: str = "IDR") -> str:
    """150000 -> 'Rp 150.000' (Indonesian grouping); other currencies as '12.50 USD'."""
    if amount is None:
        return "—"
    if currency.upper() == "IDR":
        sign = "-" if amount < 0 else ""
        return f"{sign}Rp {abs(round(amount)):,}".replace(",", ".")
    return f"{amount:,.2f} {currency.upper()}"


def format_when(value: str | None) -> str:
    """An ISO 8601 timestamp as '2026-11-20 14:02 UTC'; dates stay dates; junk is shown as is."""
    if not value:
        return "—"
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if len(value) <= 10:
        return parsed.strftime("%Y-%m-%d")
    zone = parsed.strftime("%Z") or ""
    return f"{parsed:%Y-%m-%d %H:%M} {zone}".strip()
