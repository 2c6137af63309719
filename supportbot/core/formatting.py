"""Small formatting helpers commands share: money and times as support agents read them."""

from __future__ import annotations

from datetime import datetime

__all__ = ["format_duration", "format_money", "format_phone", "format_status", "format_when"]


def format_money(amount: int | float | None, currency: str = "IDR") -> str:
    """150000 -> 'Rp 150.000' (Indonesian grouping); other currencies as '12.50 USD'."""
    if amount is None:
        return "—"
    if currency.upper() == "IDR":
        sign = "-" if amount < 0 else ""
        return f"{sign}Rp {abs(round(amount)):,}".replace(",", ".")
    return f"{amount:,.2f} {currency.upper()}"


def format_status(value: str | None) -> str:
    """A service's status code as words an agent reads: past_due -> past due, not_sent -> not
    sent; nothing -> ?."""
    return (value or "").replace("_", " ").strip() or "?"


def format_phone(value: str | None, region: str = "ID") -> str:
    """'+6281234567890' -> '0812-3456-7890', as customers say it; anything unparseable as is."""
    from .argtypes import PhoneNumber

    if not value:
        return "—"
    try:
        return PhoneNumber.parse(value, region).national
    except ValueError:
        return value


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
    return f"{parsed:%Y-%m-%d %H:%M} {_zone(parsed)}".strip()


# Indonesia's three time zones by the names agents and customers use.
_ZONE_NAMES = {7 * 3600: "WIB", 8 * 3600: "WITA", 9 * 3600: "WIT", 0: "UTC"}


def _zone(moment: datetime) -> str:
    offset = moment.utcoffset()
    if offset is None:
        return ""
    seconds = int(offset.total_seconds())
    if seconds in _ZONE_NAMES:
        return _ZONE_NAMES[seconds]
    sign = "+" if seconds >= 0 else "-"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def format_duration(ms: float | None, *, estimated: bool = False) -> str:
    """A duration for people: `0.4 ms`, `320 ms`, `1.4 s`; `~` in front of an estimate, `—`
    when there is none."""
    if ms is None:
        return "—"
    mark = "~" if estimated else ""
    if ms < 10:
        return f"{mark}{ms:.1f} ms"
    return f"{mark}{ms:,.0f} ms" if ms < 1000 else f"{mark}{ms / 1000:,.1f} s"
