"""/merchant: one card with everything we know about a merchant, from every service at once."""

from __future__ import annotations

import asyncio

from supportbot import (
    BillingAccount,
    Context,
    Device,
    DeviceList,
    Field,
    Merchant,
    MerchantRef,
    Outcome,
    Reply,
    Section,
    ServiceResult,
    Transaction,
    TransactionList,
    card_buttons,
    command,
    format_money,
    format_phone,
    format_status,
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
    found = await ctx.find_merchant(who)  # one merchant, or the pick-list / "not found" answer
    if found.answer is not None or found.merchant_id is None:
        return found.answer or found.not_found()
    merchant_id, services = found.merchant_id, ctx.services
    banner = ctx.knowledge.banners(merchant_id)  # the known issues, read meanwhile
    # The profile is fetched again only when the search did not bring it: one round trip in all.
    profile_call = services.merchants.get(f"/merchants/{merchant_id}").expect(Merchant)
    (profile, billing, devices, txs), record = await asyncio.gather(
        ctx.gather(
            profile_call if found.profile is None else _known(found.profile),
            services.billing.get(f"/accounts/{merchant_id}").expect(BillingAccount),
            services.devices.get(f"/merchants/{merchant_id}/devices").expect(DeviceList),
            services.transactions.get(
                f"/merchants/{merchant_id}/transactions", params={"limit": RECENT_TRANSACTIONS}
            ).expect(TransactionList),
        ),
        ctx.record.card_section(merchant_id) if ctx.store is not None else _nothing(),
    )
    if profile.not_found:
        banner.cancel()
        return found.not_found()
    card = _card(merchant_id, profile, billing, devices, txs)
    if not profile.ok:  # without the profile nothing says this merchant exists: never an OK card
        if all(r.not_found for r in (billing, devices, txs)):
            banner.cancel()
            return found.not_found(unconfirmed=True)
        _partial(card, merchant_id)  # and no record section: the merchant is unconfirmed
    else:
        if record is not None:
            card.sections.append(record)
            card.buttons += card_buttons(merchant_id)
        if found.via is not None:
            card.text = f"{card.text} · found {found.via}"
    facts = ctx.knowledge.facts(
        merchant_id,
        profile.data.model_dump() if profile.ok else None,
        billing.data.model_dump() if billing.ok else None,
        [d.model_dump() for d in devices.data.devices] if devices.ok else None,
        [t.model_dump() for t in txs.data.transactions] if txs.ok else None,
    )
    if lines := await banner.lines(facts):
        card.sections.insert(0, Section(title="Known issue", items=lines))
    return card


async def _known(profile: Merchant) -> ServiceResult[Merchant]:
    return ServiceResult.success("merchants", profile)  # the search's answer, already in hand


async def _nothing() -> None:
    return None


def _card(
    merchant_id: str,
    profile: ServiceResult[Merchant],
    billing: ServiceResult[BillingAccount],
    devices: ServiceResult[DeviceList],
    transactions: ServiceResult[TransactionList],
) -> Reply:
    reply = Reply(title=merchant_id)
    if profile.ok:
        _profile_section(reply, profile.data)
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


def _partial(reply: Reply, merchant_id: str) -> None:
    """The merchants service failed: say so first, then only what the others know, if anything."""
    reply.outcome = Outcome.ERROR
    shown = list(dict.fromkeys(s.source for s in reply.sections if s.source))
    if shown:
        known = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
        reply.text = (
            f"Could not look up merchant {merchant_id}: the merchants service failed (see below). "
            f"Partial card: only what {known} know, no profile."
        )
        reply.footer = f"{reply.footer} · partial, no profile from merchants"
    else:
        reply.text = (
            f"Could not look up merchant {merchant_id}: the merchants service failed, and no "
            "other service answered either (see below). Try again in a minute."
        )


def _profile_section(reply: Reply, data: Merchant) -> None:
    reply.title = f"{data.name or '?'} · {data.id}"
    reason = f": {data.status_reason}" if data.status_reason else ""
    reply.text = f"{STATUS_MARK.get(data.status, '•')} {format_status(data.status)}{reason}"
    reply.section("Merchant", source="merchants").fields += [
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


def _billing_section(reply: Reply, data: BillingAccount) -> None:
    currency, last = data.currency, data.last_payment
    paid = f"{format_money(last.amount, currency)} on {format_when(last.date)}" if last else "none"
    reply.section("Billing", source="billing").fields += [
        Field(label="Plan", value=f"{data.plan} ({format_status(data.status)})"),
        Field(label="Monthly fee", value=format_money(data.monthly_fee, currency)),
        Field(label="Balance due", value=format_money(data.balance_due, currency)),
        Field(label="Next invoice", value=format_when(data.next_invoice)),
        Field(label="Last payment", value=paid),
    ]


def _devices_section(reply: Reply, devices: list[Device]) -> None:
    section = reply.section(f"Devices ({len(devices)})", source="devices")
    if not devices:
        section.text = "No devices registered."
    section.items += [
        f"{d.serial} {d.model} — {format_status(d.status)}, last seen {format_when(d.last_seen)}"
        for d in devices
    ]


def _transactions_section(reply: Reply, transactions: list[Transaction]) -> None:
    section = reply.section("Recent transactions", source="transactions")
    if not transactions:
        section.text = "No transactions yet."
    for tx in transactions:
        receipt = tx.receipt.status if tx.receipt else None
        # A receipt that never arrived is what customers call about; failed payments have none.
        attention = receipt in ("bounced", "not_sent") and tx.status == "settled"
        note = f", receipt {format_status(receipt)}" if attention and receipt else ""
        amount, when = format_money(tx.amount, tx.currency), format_when(tx.created_at)
        section.items.append(
            f"{tx.id}  {amount}  {format_status(tx.status)}  {tx.method}  {when}{note}"
        )
