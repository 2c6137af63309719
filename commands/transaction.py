"""/transaction: one payment, its merchant, and what happened to its receipt."""

from __future__ import annotations

from supportbot import (
    Choice,
    Context,
    Field,
    Merchant,
    Outcome,
    Receipt,
    Reply,
    Resend,
    ResendList,
    Section,
    Transaction,
    TransactionId,
    command,
    format_money,
    format_phone,
    format_status,
    format_when,
)

#: A receipt worth sending again: it never reached the customer.
NEEDS_RESEND = {"bounced", "not_sent"}
#: Only a settled payment has a receipt to send (the receipts service refuses failed and pending
#: ones: "TX-1041 is failed: there is no receipt to send").
RESENDABLE_PAYMENT = "settled"
NO_RECEIPT_PAYMENTS = {"failed", "pending"}


@command(
    "transaction",
    help="A payment: amount, status, customer and receipt",
    aliases=("tx",),
    examples=("/transaction TX-1042",),
)
async def transaction(ctx: Context, tx: TransactionId) -> Reply:
    """Look up one transaction, the merchant it belongs to and every resend of its receipt.

    tx: the transaction id, e.g. TX-1042
    """
    lookup = ctx.services.transactions.get(f"/transactions/{tx}").expect(Transaction)
    if "receipts" in ctx.services:  # the resends are extra: a team without the service has none
        found, resent = await ctx.gather(
            lookup, ctx.services.receipts.get(f"/receipts/{tx}").expect(ResendList)
        )
        resends = resent.data.resends if resent.ok else []
    else:
        found, resends = await ctx.call(lookup), []
    if found.not_found:
        return Reply(
            outcome=Outcome.NOT_FOUND,
            text=f"No transaction {tx}. Check the id on the customer's receipt or bank statement.",
        )
    if not found.ok:
        return Reply(outcome=Outcome.ERROR, text=f"Could not look up {tx}.")
    data = found.data
    merchant_id = data.merchant_id
    merchant_name = None
    banner = ctx.knowledge.banners(merchant_id)  # read meanwhile
    if merchant_id:
        merchant = await ctx.call(
            ctx.services.merchants.get(f"/merchants/{merchant_id}").expect(Merchant)
        )
        merchant_name = merchant.data.name if merchant.ok else None
    latest = resends[-1] if resends else None
    by = await _resent_by(ctx, tx, latest) if latest is not None else None
    card = _card(tx, data, merchant_id, merchant_name, latest, by)
    # What this card knows of the merchant: its id and this payment's method.
    facts = ctx.knowledge.facts(merchant_id or "?", None, None, None, [{"method": data.method}])
    lines = await banner.lines(facts)
    if lines:
        card.sections.insert(0, Section(title="Known issue", items=lines))
    return card


async def _resent_by(ctx: Context, tx: TransactionId, resend: Resend) -> str | None:
    """Who ran the resend: the bot's action ledger, matched on the key it sent."""
    if ctx.store is None or resend.idempotency_key is None:
        return None
    runs = await ctx.store.actions.runs(targets=[str(tx)], command="resend-receipt", limit=50)
    return next(
        (
            run.user_name or run.user_id
            for run in runs
            if run.idempotency_key == resend.idempotency_key
        ),
        None,
    )


def _card(
    tx: TransactionId,
    data: Transaction,
    merchant_id: str | None,
    merchant_name: str | None,
    resend: Resend | None,
    resent_by: str | None,
) -> Reply:
    reply = Reply(
        title=f"{tx} · {format_money(data.amount, data.currency)}",
        text=f"{format_status(data.status)} via {data.method}",
    )
    section = reply.section("Payment", source="transactions")
    section.fields += [
        Field(label="Merchant", value=f"{merchant_name or '?'} ({merchant_id or '?'})"),
        Field(label="Created", value=format_when(data.created_at)),
        Field(label="Customer email", value=data.customer_email or "—", personal=True),
        Field(label="Customer phone", value=format_phone(data.customer_phone), personal=True),
    ]
    receipt = data.receipt or Receipt()
    receipt_section = reply.section("Receipt", source="transactions")
    status = _receiptformat_status(
        "unknown" if receipt.status is None else receipt.status, data.status
    )
    receipt_section.fields += [
        Field(label="Status", value=f"resent (first {status})" if resend else status),
        Field(label="Sent to", value=receipt.sent_to or "—", personal=True),
        Field(label="Sent at", value=format_when(receipt.sent_at)),
    ]
    if resend is not None:
        who = f" by {resent_by}" if resent_by else ""
        receipt_section.fields.append(
            Field(
                label="Resent",
                value=f"{format_when(resend.at)}{who} to {resend.sent_to or '?'} "
                f"({resend.resend_id})",
                personal=True,
            )
        )
        return reply  # sent again already: offering it once more would only send a duplicate
    if receipt.status in NEEDS_RESEND and data.status == RESENDABLE_PAYMENT:
        if data.customer_email:
            reply.choices.append(
                Choice(label="Resend the receipt", command=f"/resend-receipt {tx}")
            )
        else:  # the resend would be refused without an address: say how, offer nothing broken
            receipt_section.text = (
                "No customer email on file: ask the customer for one, then run "
                f"/resend-receipt {tx} --to their@email"
            )
    return reply


def _receiptformat_status(receipt: str, payment: str) -> str:
    # "not sent" alone reads like a fault for a payment that never had a receipt to send.
    if receipt == "not_sent" and payment in NO_RECEIPT_PAYMENTS:
        return f"not sent (no receipt for a {format_status(payment)} payment)"
    return format_status(receipt)
