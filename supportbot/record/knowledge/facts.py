"""What a live lookup knows about a merchant, as flat facts: the placeholders of snippets and the
fields known-issue rules match on.

The facts come from the same service answers the `/merchant` card shows (profile, billing
account, devices, recent transactions), so a snippet says what the agent sees. `lookup_facts`
asks the four services at once; `facts_from_answers` turns answers a command already has into
facts without asking again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from supportbot.core.formatting import format_money, format_status, format_when
from supportbot.services.clients import ServiceCall, ServiceResult, Services

__all__ = [
    "MATCH_FIELDS",
    "PLACEHOLDERS",
    "MerchantFacts",
    "facts_from_answers",
    "lookup_facts",
]

#: Every placeholder filled from the lookup, with what it holds (listed by `/snippets
#: placeholders` and in the README).
PLACEHOLDERS: dict[str, str] = {
    "merchant_id": "the merchant id, M-10001",
    "merchant_name": "the business name, Toko Sinar Jaya",
    "owner": "the owner's full name",
    "owner_first_name": "the owner's first name",
    "city": "the merchant's city",
    "category": "the business category",
    "email": "the merchant's email on file",
    "status": "the account status (Active, Suspended, ...)",
    "plan": "the billing plan (Basic, Pro, Enterprise)",
    "billing_status": "the billing status (Active, Past due, ...)",
    "monthly_fee": "the monthly fee, Rp 99.000",
    "balance_due": "the balance due, Rp 0",
    "next_invoice": "the date of the next invoice",
    "device_model": "the model of the first card terminal, PAX A920",
    "device_serial": "the serial of the first card terminal",
    "last_tx_id": "the newest transaction's id, TX-1042",
    "last_tx_amount": "the newest transaction's amount",
    "last_tx_date": "when the newest transaction was made",
    "last_tx_status": "the newest transaction's status",
    "last_tx_method": "how the newest transaction was paid (QRIS, Card, ...)",
    "agent_name": "the name of the agent using the snippet",
    "incident_ref": "in a notice: the known issue, KI-3",
    "incident_title": "in a notice: the known issue's title",
    "incident_summary": "in a notice: the customer summary",
    "incident_workaround": "in a notice: the workaround",
    "incident_status": "in a notice: the issue's status",
    "request_ref": "in a shipped notice: the feature request, R-4",
    "request_title": "in a shipped notice: what the merchant asked for",
    "request_tag": "in a shipped notice: the request's tag",
    "request_note": "in a shipped notice: what product said when it shipped",
}

#: The merchant fields a known issue's `--match` rule may name (each may have several values:
#: a merchant with two terminals matches either model).
MATCH_FIELDS: dict[str, str] = {
    "device_model": "a card terminal's model",
    "plan": "the billing plan",
    "city": "the merchant's city",
    "category": "the business category",
    "payment_method": "a method of a recent transaction (QRIS, Card, Transfer, E-wallet)",
    "status": "the account status",
    "merchant_id": "the merchant id",
}

Gather = Callable[..., Awaitable[Sequence[ServiceResult[Any]]]]


@dataclass(frozen=True)
class MerchantFacts:
    """One merchant's facts: `values` fill placeholders; `fields` are what match rules read
    (lower-cased, every value: all device models, all payment methods seen)."""

    merchant_id: str
    values: dict[str, str | None]
    fields: dict[str, frozenset[str]] = field(default_factory=dict)
    #: The merchant's contacts on file, for notices: phones (E.164) and email.
    phones: tuple[str, ...] = ()
    email: str | None = None
    #: Services that did not answer: their placeholders are empty for now, not "none".
    failed: tuple[str, ...] = ()


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _first(items: Sequence[Any]) -> Mapping[str, Any]:
    return items[0] if items and isinstance(items[0], Mapping) else {}


def facts_from_answers(
    merchant_id: str,
    profile: Mapping[str, Any] | None,
    account: Mapping[str, Any] | None,
    devices: Sequence[Mapping[str, Any]] | None,
    transactions: Sequence[Mapping[str, Any]] | None,
    *,
    failed: Sequence[str] = (),
) -> MerchantFacts:
    """The facts of one merchant from the services' answers (None: no answer)."""
    profile = profile or {}
    account = account or {}
    devices = devices or []
    transactions = transactions or []
    owner = _text(profile.get("owner"))
    currency = str(account.get("currency") or "IDR")
    device = _first(devices)
    tx = _first(transactions)
    fee, due = account.get("monthly_fee"), account.get("balance_due")
    values: dict[str, str | None] = {
        "merchant_id": merchant_id,
        "merchant_name": _text(profile.get("name")),
        "owner": owner,
        "owner_first_name": owner.split()[0] if owner else None,
        "city": _text(profile.get("city")),
        "category": _text(profile.get("category")),
        "email": _text(profile.get("email")),
        "status": format_status(str(profile["status"])) if profile.get("status") else None,
        "plan": _text(account.get("plan")),
        "billing_status": format_status(str(account["status"])) if account.get("status") else None,
        "monthly_fee": format_money(fee, currency) if fee is not None else None,
        "balance_due": format_money(due, currency) if due is not None else None,
        "next_invoice": (
            format_when(account["next_invoice"]) if account.get("next_invoice") else None
        ),
        "device_model": _text(device.get("model")),
        "device_serial": _text(device.get("serial")),
        "last_tx_id": _text(tx.get("id")),
        "last_tx_amount": (
            format_money(tx["amount"], str(tx.get("currency") or "IDR"))
            if tx.get("amount") is not None
            else None
        ),
        "last_tx_date": format_when(tx["created_at"]) if tx.get("created_at") else None,
        "last_tx_status": format_status(str(tx["status"])) if tx.get("status") else None,
        "last_tx_method": _text(tx.get("method")),
    }

    def lowered(items: Sequence[Any]) -> frozenset[str]:
        return frozenset(str(i).strip().casefold() for i in items if i not in (None, ""))

    fields = {
        "merchant_id": lowered([merchant_id]),
        "device_model": lowered([d.get("model") for d in devices]),
        "plan": lowered([account.get("plan")]),
        "city": lowered([profile.get("city")]),
        "category": lowered([profile.get("category")]),
        "payment_method": lowered([t.get("method") for t in transactions]),
        "status": lowered([profile.get("status")]),
    }
    phones = tuple(str(p) for p in profile.get("phones") or () if p)
    return MerchantFacts(
        merchant_id, values, fields, phones, _text(profile.get("email")), tuple(failed)
    )


def _data(result: ServiceResult[Any], key: str | None = None) -> Any:
    if not result.ok or not isinstance(result.data, Mapping):
        return None
    return result.data.get(key) if key else result.data


async def lookup_facts(
    services: Services, gather: Gather, merchant_id: str, *, transactions: int = 5
) -> tuple[ServiceResult[Any], MerchantFacts]:
    """Ask the four services about `merchant_id` at once; the profile's result (to tell "no such
    merchant" from "merchants did not answer") and the facts."""
    calls: list[ServiceCall] = [
        services.merchants.get(f"/merchants/{merchant_id}"),
        services.billing.get(f"/accounts/{merchant_id}"),
        services.devices.get(f"/merchants/{merchant_id}/devices"),
        services.transactions.get(
            f"/merchants/{merchant_id}/transactions", params={"limit": transactions}
        ),
    ]
    profile, account, devices, txs = await gather(*calls)
    names = ("merchants", "billing", "devices", "transactions")
    failed = [
        name
        for name, result in zip(names, (profile, account, devices, txs), strict=True)
        if not result.ok and not result.not_found
    ]
    facts = facts_from_answers(
        merchant_id,
        _data(profile),
        _data(account),
        _data(devices, "devices"),
        _data(txs, "transactions"),
        failed=failed,
    )
    return profile, facts
