"""/resend-receipt: send a transaction's receipt to the customer again (an action)."""

from __future__ import annotations

from typing import Any

from supportbot import (
    Context,
    Email,
    Outcome,
    Reply,
    TransactionId,
    action_failed,
    command,
    format_money,
    format_status,
    format_when,
    mask_email,
)


async def preview(ctx: Context, tx: TransactionId, *, to: Email | None = None) -> Any:
    """What the agent confirms: the amount, the merchant, and where the receipt will go."""
    found = await ctx.call(ctx.services.transactions.get(f"/transactions/{tx}"))
    if found.not_found:
        return Reply(outcome=Outcome.NOT_FOUND, text=f"No transaction {tx}; nothing was sent.")
    if not found.ok:
        return Reply(
            outcome=Outcome.ERROR,
            text=f"Could not look up {tx}, so nothing was sent. Try again in a minute.",
        )
    data = found.data
    status = str(data.get("status") or "?")
    if status not in ("settled", "refunded"):
        return Reply(
            outcome=Outcome.REFUSED,
            text=f"{tx} is {format_status(status)}: there is no receipt to resend until it "
            "settles. Nothing was sent.",
        )
    destination = str(to) if to is not None else data.get("customer_email")
    if not destination:
        return Reply(
            outcome=Outcome.ERROR,
            text=f"{tx} has no customer email on file; nothing was sent. Ask the customer for "
            f"one and run /resend-receipt {tx} --to their@email",
        )
    return {
        "amount": format_money(data.get("amount"), data.get("currency", "IDR")),
        "merchant": data.get("merchant_id", "?"),
        "destination": destination,  # whole to roles that may see it, masked to the others
    }


@command(
    "resend-receipt",
    help="Send a transaction's receipt to the customer again",
    confirm="Resend the receipt for {tx} ({amount}, merchant {merchant}) to {destination}?",
    preview=preview,
    examples=("/resend-receipt TX-1042", "/resend-receipt TX-1042 --to rina@example.id"),
)
async def resend_receipt(ctx: Context, tx: TransactionId, *, to: Email | None = None) -> Reply:
    """Resends the receipt by email, to the address on file unless --to gives another.

    tx: the transaction id, e.g. TX-1042
    to: send to this email instead of the customer's email on file
    """
    body = {"to": str(to)} if to is not None else {}
    result = await ctx.call(ctx.services.receipts.post(f"/receipts/{tx}/resend", json=body))
    if result.not_found:
        return Reply(outcome=Outcome.NOT_FOUND, text=f"No transaction {tx}; nothing was sent.")
    if not result.ok:
        return action_failed(result, f"the resend of the receipt for {tx}")
    data = result.data
    done = "was already resent" if data.get("replayed") else "was resent"
    return Reply(
        text=f"The receipt for {tx} {done} to {mask_email(data.get('sent_to', ''))} "
        f"at {format_when(data.get('at'))}.",
        footer=f"Resend {data.get('resend_id', '?')}",
    )
