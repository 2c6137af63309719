"""/merchant: one card with everything we know about a merchant, from every service at once."""

from __future__ import annotations

from typing import Any

from supportbot import (
    Choice,
    Context,
    Field,
    MerchantRef,
    Outcome,
    Reply,
    ServiceResult,
    command,
    format_money,
    format_phone,
    format_when,
)

STATUS_MARK = {"active": "🟢", "suspended": "⛔", "closed": "⚫"}
RECENT_TRANSACTIONS = 5


@command(
    "merchant",
    help="Everything we know about a merchant, in one card",
    aliases=("m",),
    examples=("/merchant 0812-3456-7890", "/merchant sinar@example.id", "/merchant M-10001"),
)
async def merchant(ctx: Context, who: MerchantRef) -> Reply:
    """Profile, billing, devices and recent transactions of one merchant, fetched together.

    who: a phone number (0812-3456-7890, +62 812 3456 7890), an email, or a merchant id (M-10001)
    """
    if who.kind == "merchant_id":
        # The id is known: ask every service at once (one round trip in all).
        profile, *rest = await ctx.gather(
            ctx.services.merchants.get(f"/merchants/{who.value}"), *_details(ctx, who.value)
        )
        if profile.not_found:
            return _not_found(who)
        return _card(who.value, profile.data if profile.ok else None, *rest)

    # A phone or email: resolve the merchant first, then every other service at once.
    search = await ctx.call(ctx.services.merchants.get("/merchants", params={who.kind: who.value}))
    if not search.ok:
        return Reply(
            outcome=Outcome.ERROR,
            text=f"Could not search merchants by {_kind_label(who)}, "
            "so nothing else was looked up.",
        )
    matches: list[dict[str, Any]] = search.data.get("merchants", [])
    if not matches:
        return _not_found(who)
    if len(matches) > 1:
        return _pick_list(who, matches)
    profile_data = matches[0]
    rest = await ctx.gather(*_details(ctx, profile_data["id"]))
    return _card(profile_data["id"], profile_data, *rest)


def _details(ctx: Context, merchant_id: str) -> list[Any]:
    return [
        ctx.services.billing.get(f"/accounts/{merchant_id}"),
        ctx.services.devices.get(f"/merchants/{merchant_id}/devices"),
        ctx.services.transactions.get(
            f"/merchants/{merchant_id}/transactions", params={"limit": RECENT_TRANSACTIONS}
        ),
    ]


def _kind_label(who: MerchantRef) -> str:
    return {"phone": "phone number", "email": "email", "merchant_id": "merchant id"}[who.kind]


def _not_found(who: MerchantRef) -> Reply:
    searched = f" (searched as {who.value})" if who.kind == "phone" else ""
    return Reply(
        outcome=Outcome.NOT_FOUND,
        text=f"No merchant found with the {_kind_label(who)} {_shown(who)}{searched}. "
        "Check the number with the customer, or try their email or merchant id.",
    )


def _shown(who: MerchantRef) -> str:
    return who.phone.national if who.phone is not None else who.value


def _pick_list(who: MerchantRef, matches: list[dict[str, Any]]) -> Reply:
    return Reply(
        title=f"{len(matches)} merchants match {_shown(who)}",
        text="Pick one:",
        choices=[
            Choice(
                label=f"{m.get('name', '?')} ({m['id']})",
                description=", ".join(filter(None, [m.get("city"), m.get("status")])),
                command=f"/merchant {m['id']}",
            )
            for m in matches[:20]
        ],
    )


def _card(
    merchant_id: str,
    profile: dict[str, Any] | None,
    billing: ServiceResult[Any],
    devices: ServiceResult[Any],
    transactions: ServiceResult[Any],
) -> Reply:
    reply = Reply(title=merchant_id)
    if profile is not None:
        _profile_section(reply, profile)
    if billing.ok:
        _billing_section(reply, billing.data)
    elif billing.not_found:
        reply.section("Billing", source="billing").text = "No billing account."
    if devices.ok:
        _devices_section(reply, devices.data.get("devices", []))
    if transactions.ok:
        _transactions_section(reply, transactions.data.get("transactions", []))
    shown = [s.source for s in reply.sections if s.source]
    reply.footer = "From " + ", ".join(dict.fromkeys(shown)) if shown else None
    return reply


def _profile_section(reply: Reply, data: dict[str, Any]) -> None:
    status = data.get("status", "unknown")
    reply.title = f"{data.get('name', '?')} · {data.get('id', '?')}"
    reason = f": {data['status_reason']}" if data.get("status_reason") else ""
    reply.text = f"{STATUS_MARK.get(status, '•')} {status}{reason}"
    section = reply.section("Merchant", source="merchants")
    phones = data.get("phones") or []
    section.fields += [
        Field(label="Owner", value=data.get("owner") or "—"),
        Field(
            label="Phone", value=", ".join(format_phone(p) for p in phones) or "—", personal=True
        ),
        Field(label="Email", value=data.get("email") or "—", personal=True),
        Field(label="Category", value=data.get("category") or "—"),
        Field(label="City", value=data.get("city") or "—"),
        Field(label="Address", value=data.get("address") or "—", personal=True),
        Field(label="KYC", value=data.get("kyc") or "—"),
        Field(label="Joined", value=format_when(data.get("joined"))),
    ]


def _billing_section(reply: Reply, data: dict[str, Any]) -> None:
    currency = data.get("currency", "IDR")
    last = data.get("last_payment") or {}
    section = reply.section("Billing", source="billing")
    section.fields += [
        Field(label="Plan", value=f"{data.get('plan', '?')} ({data.get('status', '?')})"),
        Field(label="Monthly fee", value=format_money(data.get("monthly_fee"), currency)),
        Field(label="Balance due", value=format_money(data.get("balance_due"), currency)),
        Field(label="Next invoice", value=format_when(data.get("next_invoice"))),
        Field(
            label="Last payment",
            value=(
                f"{format_money(last.get('amount'), currency)} on {format_when(last.get('date'))}"
                if last
                else "none"
            ),
        ),
    ]


def _devices_section(reply: Reply, devices: list[dict[str, Any]]) -> None:
    section = reply.section(f"Devices ({len(devices)})", source="devices")
    if not devices:
        section.text = "No devices registered."
    for device in devices:
        section.items.append(
            f"{device.get('serial', '?')} {device.get('model', '')} — {device.get('status', '?')},"
            f" last seen {format_when(device.get('last_seen'))}"
        )


def _transactions_section(reply: Reply, transactions: list[dict[str, Any]]) -> None:
    section = reply.section("Recent transactions", source="transactions")
    if not transactions:
        section.text = "No transactions yet."
    for tx in transactions:
        receipt = (tx.get("receipt") or {}).get("status")
        # A receipt that never arrived is what customers call about; failed payments have none.
        needs_attention = receipt in ("bounced", "not_sent") and tx.get("status") == "settled"
        note = f", receipt {receipt.replace('_', ' ')}" if needs_attention and receipt else ""
        amount = format_money(tx.get("amount"), tx.get("currency", "IDR"))
        when = format_when(tx.get("created_at"))
        section.items.append(
            f"{tx.get('id', '?')}  {amount}  {tx.get('status', '?')}  {tx.get('method', '')}"
            f"  {when}{note}"
        )
