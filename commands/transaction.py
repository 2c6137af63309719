"""/transaction: one payment, its merchant, and what happened to its receipt."""

from __future__ import annotations

from typing import Any

from supportbot import (
    Choice,
    Context,
    Field,
    Outcome,
    Reply,
    TransactionId,
    command,
    format_money,
    format_phone,
    format_when,
)

NEEDS_RESEND = {"bounced", "not_sent"}


@command(
    "transaction",
    help="A payment: amount, status, customer and receipt",
    aliases=("tx",),
    examples=("/transaction TX-1042",),
)
async def transaction(ctx: Context, tx: TransactionId) -> Reply:
    """Look up one transaction and the merchant it belongs to.

    tx: the transaction id, e.g. TX-1042
    """
    found = await ctx.call(ctx.services.transactions.get(f"/transactions/{tx}"))
    if found.not_found:
        return Reply(
            outcome=Outcome.NOT_FOUND,
            text=f"No transaction {tx}. Check the id on the customer's receipt or bank statement.",
        )
    if not found.ok:
        return Reply(outcome=Outcome.ERROR, text=f"Could not look up {tx}.")
    data: dict[str, Any] = found.data
    merchant_id = data.get("merchant_id")
    ctx.audit_target = str(tx)
    merchant_name = None
    if merchant_id:
        merchant = await ctx.call(ctx.services.merchants.get(f"/merchants/{merchant_id}"))
        merchant_name = merchant.data.get("name") if merchant.ok else None
    return _card(tx, data, merchant_id, merchant_name)


def _card(
    tx: TransactionId, data: dict[str, Any], merchant_id: str | None, merchant_name: str | None
) -> Reply:
    currency = data.get("currency", "IDR")
    reply = Reply(
        title=f"{tx} · {format_money(data.get('amount'), currency)}",
        text=f"{data.get('status', '?')} via {data.get('method', '?')}",
    )
    section = reply.section("Payment", source="transactions")
    section.fields += [
        Field(label="Merchant", value=f"{merchant_name or '?'} ({merchant_id or '?'})"),
        Field(label="Created", value=format_when(data.get("created_at"))),
        Field(label="Customer email", value=data.get("customer_email") or "—", personal=True),
        Field(
            label="Customer phone", value=format_phone(data.get("customer_phone")), personal=True
        ),
    ]
    receipt = data.get("receipt") or {}
    status = receipt.get("status", "unknown")
    receipt_section = reply.section("Receipt", source="transactions")
    receipt_section.fields += [
        Field(label="Status", value=status),
        Field(label="Sent to", value=receipt.get("sent_to") or "—", personal=True),
        Field(label="Sent at", value=format_when(receipt.get("sent_at"))),
    ]
    if status in NEEDS_RESEND:
        reply.choices.append(Choice(label="Resend the receipt", command=f"/resend-receipt {tx}"))
    return reply
