"""/merchant: one card with everything we know about a merchant, from every service at once."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel

from supportbot import (
    Choice,
    Context,
    Field,
    MerchantRef,
    Outcome,
    Reply,
    SavedNumber,
    Section,
    ServiceResult,
    command,
    format_money,
    format_phone,
    format_status,
    format_when,
)

STATUS_MARK = {"active": "🟢", "suspended": "⛔", "closed": "⚫"}
RECENT_TRANSACTIONS = 5
PICK_LIST_LIMIT = 20
#: What to try instead, after "No merchant found with ...", for each way of searching.
NOT_FOUND_HINT = {
    "phone": "Check the number with the customer, or try their email or merchant id.",
    "email": "Check the spelling with the customer, or try their phone number or merchant id.",
    "merchant_id": "Check the id with the customer (it looks like M-10001), "
    "or try their phone number or email.",
}


# The shapes this command needs from each service (`.expect(Model)` below). An answer that does
# not fit becomes a warning ("billing answered in an unexpected shape") and costs only its
# section, never the command. What the card can do without is optional, and unknown fields are
# ignored, so a service may add to its answers without breaking the bot.


class Profile(BaseModel):
    """A merchant, from the merchants service."""

    id: str
    name: str | None = None
    owner: str | None = None
    phones: list[str] = []
    email: str | None = None
    category: str | None = None
    city: str | None = None
    address: str | None = None
    status: str = "unknown"
    status_reason: str | None = None
    kyc: str | None = None
    joined: str | None = None


class Search(BaseModel):
    """The merchants matching a phone number or an email."""

    merchants: list[Profile] = []


class Payment(BaseModel):
    """A subscription payment."""

    date: str | None = None
    amount: int | None = None


class Account(BaseModel):
    """A billing account."""

    plan: str = "?"
    status: str = "?"
    currency: str = "IDR"
    monthly_fee: int | None = None
    balance_due: int | None = None
    next_invoice: str | None = None
    last_payment: Payment | None = None


class Device(BaseModel):
    """A card terminal."""

    serial: str = "?"
    model: str = ""
    status: str = "?"
    last_seen: str | None = None


class Devices(BaseModel):
    """A merchant's card terminals."""

    devices: list[Device] = []


class Receipt(BaseModel):
    """What happened to a transaction's receipt."""

    status: str | None = None


class Transaction(BaseModel):
    """One payment."""

    id: str = "?"
    amount: int | None = None
    currency: str = "IDR"
    status: str = "?"
    method: str = ""
    created_at: str | None = None
    receipt: Receipt | None = None


class Transactions(BaseModel):
    """A merchant's recent payments."""

    transactions: list[Transaction] = []


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
        return await _by_id(ctx, who, who.value)

    # A phone or email: resolve the merchant first, then every other service at once. A number
    # the team saved for a merchant (`/alias`) counts as a match too.
    search, saved = await asyncio.gather(
        ctx.call(
            ctx.services.merchants.get("/merchants", params={who.kind: who.value}).expect(Search)
        ),
        _saved_number(ctx, who),
    )
    if not search.ok and saved is None:
        return Reply(
            outcome=Outcome.ERROR,
            text=f"Could not search merchants by {_kind_label(who)}, "
            "so nothing else was looked up.",
        )
    matches: list[Profile] = search.data.merchants if search.ok else []
    if saved is not None and all(m.id == saved.merchant_id for m in matches):
        return await _by_id(ctx, who, saved.merchant_id, via=saved.via)
    if not matches:
        return _not_found(who)
    if len(matches) > 1 or saved is not None:
        return _pick_list(who, matches, saved)
    found = matches[0]
    ctx.audit_target = found.id
    rest, record = await asyncio.gather(
        ctx.gather(*_details(ctx, found.id)), _record(ctx, found.id)
    )
    return _with_record(_card(found.id, found, *rest), record)


async def _by_id(ctx: Context, who: MerchantRef, merchant_id: str, via: str | None = None) -> Reply:
    """The card of a known id: every service and the record at once (one round trip in all)."""
    ctx.audit_target = merchant_id
    (profile, *rest), record = await asyncio.gather(
        ctx.gather(
            ctx.services.merchants.get(f"/merchants/{merchant_id}").expect(Profile),
            *_details(ctx, merchant_id),
        ),
        _record(ctx, merchant_id),
    )
    if profile.not_found:
        return _not_found(who)
    if profile.ok:
        card = _with_record(_card(merchant_id, profile.data, *rest), record)
        if via is not None:
            card.text = f"{card.text} · found {via}" if card.text else f"Found {via}"
        return card
    # Without the profile nothing says this merchant exists: never an OK card.
    if all(result.not_found for result in rest):
        return _not_found(who, unconfirmed=True)
    return _partial_card(merchant_id, *rest)  # no record section: the merchant is unconfirmed


def _details(ctx: Context, merchant_id: str) -> list[Any]:
    return [
        ctx.services.billing.get(f"/accounts/{merchant_id}").expect(Account),
        ctx.services.devices.get(f"/merchants/{merchant_id}/devices").expect(Devices),
        ctx.services.transactions.get(
            f"/merchants/{merchant_id}/transactions", params={"limit": RECENT_TRANSACTIONS}
        ).expect(Transactions),
    ]


def _kind_label(who: MerchantRef) -> str:
    return {"phone": "phone number", "email": "email", "merchant_id": "merchant id"}[who.kind]


def _not_found(who: MerchantRef, *, unconfirmed: bool = False) -> Reply:
    searched = f" (searched as {who.value})" if who.kind == "phone" else ""
    # The merchants service failed, but every other service says it has no such merchant.
    caveat = (
        ": billing, devices and transactions have no record of it (merchants could not be "
        "asked to confirm)"
        if unconfirmed
        else ""
    )
    reply = Reply(
        outcome=Outcome.NOT_FOUND,
        text=f"No merchant found with the {_kind_label(who)} {_shown(who)}{searched}{caveat}. "
        f"{NOT_FOUND_HINT[who.kind]}",
    )
    if who.phone is not None:  # offer to save it: the button in Slack, the command anywhere
        reply.footer = f"If you know whose number it is: /alias {_shown(who)} <merchant id>"
    return reply


def _shown(who: MerchantRef) -> str:
    return who.phone.national if who.phone is not None else who.value


def _pick_list(who: MerchantRef, matches: list[Profile], saved: SavedNumber | None = None) -> Reply:
    hidden = len(matches) - PICK_LIST_LIMIT
    choices = [
        Choice(
            label=f"{m.name or '?'} ({m.id})",
            description=", ".join(filter(None, [m.city, format_status(m.status)])),
            command=f"/merchant {m.id}",
        )
        for m in matches[:PICK_LIST_LIMIT]
    ]
    if saved is not None:  # the team's saved number first: someone checked it by hand
        choices.insert(
            0,
            Choice(
                label=f"{saved.merchant_id} (saved number)",
                description=saved.via,
                command=f"/merchant {saved.merchant_id}",
            ),
        )
    return Reply(
        title=f"{len(matches) + (saved is not None)} merchants match {_shown(who)}",
        text="Pick one:",
        choices=choices,
        footer=f"… and {hidden:,} more; search by merchant id." if hidden > 0 else None,
    )


# The support record's part of the card (see `ctx.record`): read concurrently with the services.


async def _saved_number(ctx: Context, who: MerchantRef) -> SavedNumber | None:
    if who.phone is None or ctx.store is None:
        return None
    return await ctx.record.saved_number(who.value)


async def _record(ctx: Context, merchant_id: str) -> Section | None:
    return await ctx.record.card_section(merchant_id) if ctx.store is not None else None


def _with_record(card: Reply, record: Section | None) -> Reply:
    if record is not None:
        card.sections.append(record)
    return card


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _card(
    merchant_id: str,
    profile: Profile | None,
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
        _devices_section(reply, devices.data.devices)
    if transactions.ok:
        _transactions_section(reply, transactions.data.transactions)
    shown = [s.source for s in reply.sections if s.source]
    reply.footer = "From " + ", ".join(dict.fromkeys(shown)) if shown else None
    return reply


def _partial_card(
    merchant_id: str,
    billing: ServiceResult[Any],
    devices: ServiceResult[Any],
    transactions: ServiceResult[Any],
) -> Reply:
    """The merchants service failed: say so first, then only what the others know, if anything."""
    reply = _card(merchant_id, None, billing, devices, transactions)
    reply.outcome = Outcome.ERROR
    shown = [s.source for s in reply.sections if s.source]
    if shown:
        reply.text = (
            f"Could not look up merchant {merchant_id}: the merchants service failed (see below). "
            f"Partial card: only what {_and(list(dict.fromkeys(shown)))} know, no profile."
        )
        reply.footer = f"{reply.footer} · partial, no profile from merchants"
    else:
        reply.text = (
            f"Could not look up merchant {merchant_id}: the merchants service failed, and no "
            "other service answered either (see below). Try again in a minute."
        )
    return reply


def _profile_section(reply: Reply, data: Profile) -> None:
    reply.title = f"{data.name or '?'} · {data.id}"
    reason = f": {data.status_reason}" if data.status_reason else ""
    reply.text = f"{STATUS_MARK.get(data.status, '•')} {format_status(data.status)}{reason}"
    section = reply.section("Merchant", source="merchants")
    section.fields += [
        Field(label="Owner", value=data.owner or "—"),
        Field(
            label="Phone",
            value=", ".join(format_phone(p) for p in data.phones) or "—",
            personal=True,
        ),
        Field(label="Email", value=data.email or "—", personal=True),
        Field(label="Category", value=data.category or "—"),
        Field(label="City", value=data.city or "—"),
        Field(label="Address", value=data.address or "—", personal=True),
        Field(label="KYC", value=format_status(data.kyc) if data.kyc else "—"),
        Field(label="Joined", value=format_when(data.joined)),
    ]


def _billing_section(reply: Reply, data: Account) -> None:
    currency = data.currency
    last = data.last_payment
    section = reply.section("Billing", source="billing")
    section.fields += [
        Field(label="Plan", value=f"{data.plan} ({format_status(data.status)})"),
        Field(label="Monthly fee", value=format_money(data.monthly_fee, currency)),
        Field(label="Balance due", value=format_money(data.balance_due, currency)),
        Field(label="Next invoice", value=format_when(data.next_invoice)),
        Field(
            label="Last payment",
            value=(
                f"{format_money(last.amount, currency)} on {format_when(last.date)}"
                if last
                else "none"
            ),
        ),
    ]


def _devices_section(reply: Reply, devices: list[Device]) -> None:
    section = reply.section(f"Devices ({len(devices)})", source="devices")
    if not devices:
        section.text = "No devices registered."
    for device in devices:
        section.items.append(
            f"{device.serial} {device.model} — {format_status(device.status)},"
            f" last seen {format_when(device.last_seen)}"
        )


def _transactions_section(reply: Reply, transactions: list[Transaction]) -> None:
    section = reply.section("Recent transactions", source="transactions")
    if not transactions:
        section.text = "No transactions yet."
    for tx in transactions:
        receipt = tx.receipt.status if tx.receipt else None
        # A receipt that never arrived is what customers call about; failed payments have none.
        needs_attention = receipt in ("bounced", "not_sent") and tx.status == "settled"
        note = f", receipt {format_status(receipt)}" if needs_attention and receipt else ""
        amount = format_money(tx.amount, tx.currency)
        when = format_when(tx.created_at)
        status = format_status(tx.status)
        section.items.append(f"{tx.id}  {amount}  {status}  {tx.method}  {when}{note}")
