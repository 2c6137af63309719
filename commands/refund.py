"""/refund: give a customer money back for a settled transaction (leads only, and a second lead
approves)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from supportbot import (
    Amount,
    Context,
    Outcome,
    Reply,
    Rest,
    TransactionId,
    UsageError,
    action_failed,
    command,
    format_money,
    format_when,
)

MAX_REASON = 500


class Payment(BaseModel):
    """What the question needs from the transactions service."""

    merchant_id: str | None = None
    amount: int = 0
    status: str = "?"
    refunded_amount: int = 0


def _reason(reason: Rest) -> str:
    text = " ".join(str(reason).split())
    if not text:
        raise UsageError("Say why you refund, e.g. /refund TX-1042 150000 charged twice.")
    if len(text) > MAX_REASON:
        raise UsageError(f"The reason is {len(text)} characters; keep it under {MAX_REASON}.")
    return text


async def preview(ctx: Context, tx: TransactionId, amount: Amount, reason: Rest) -> Any:
    """The transaction, what is left to refund, and the reason, before anyone is asked."""
    why = _reason(reason)
    found = await ctx.call(ctx.services.transactions.get(f"/transactions/{tx}").expect(Payment))
    if found.not_found:
        return Reply(outcome=Outcome.NOT_FOUND, text=f"No transaction {tx}; nothing was refunded.")
    if not found.ok:
        return Reply(
            outcome=Outcome.ERROR,
            text=f"Could not look up {tx}, so nothing was refunded. Try again in a minute.",
        )
    data: Payment = found.data
    left = data.amount - data.refunded_amount
    if data.status != "settled" or left <= 0:
        return Reply(
            outcome=Outcome.REFUSED,
            text=f"{tx} is {data.status}"
            + (" and fully refunded" if data.status == "settled" else "")
            + ": only settled transactions with money left can be refunded. Nothing was done.",
        )
    if amount.value > left:
        return Reply(
            outcome=Outcome.REFUSED,
            text=f"{tx} has {format_money(left)} left to refund (of "
            f"{format_money(data.amount)}); {amount.shown} is more. Nothing was done.",
        )
    return {
        "amount": amount.shown,
        "of": format_money(data.amount),
        "merchant": data.merchant_id or "?",
        "why": why,
    }


@command(
    "refund",
    help="Refund a settled transaction, in full or in part (leads; a second lead approves)",
    confirm="Refund {amount} of {tx} ({of}, merchant {merchant}) because: {why}?",
    preview=preview,
    roles={"lead"},
    approval="lead",
    allow_yes=False,
    rate_limit="20/day",
    examples=("/refund TX-1042 150000 charged twice", "/refund TX-1042 Rp 50.000 late delivery"),
)
async def refund(ctx: Context, tx: TransactionId, amount: Amount, reason: Rest) -> Reply:
    """Sends the money back to the customer through the payments provider.

    tx: the transaction id, e.g. TX-1042
    amount: how much, in rupiah (150000, 150.000, Rp 150.000 or 150rb)
    reason: why, for the audit trail and the customer's statement
    """
    body = {"amount": amount.value, "reason": _reason(reason)}
    result = await ctx.call(
        ctx.services.transactions.post(f"/transactions/{tx}/refunds", json=body)
    )
    if result.not_found:
        return Reply(outcome=Outcome.NOT_FOUND, text=f"No transaction {tx}; nothing was refunded.")
    if not result.ok:
        return action_failed(result, f"the refund of {amount.shown} of {tx}")
    data = result.data
    again = " (it had already gone through)" if data.get("replayed") else ""
    return Reply(
        text=f"Refunded {format_money(data.get('amount'))} of {tx}{again} at "
        f"{format_when(data.get('at'))}. Refunded in all: "
        f"{format_money(data.get('refunded_total'))}; left: {format_money(data.get('remaining'))}.",
        footer=f"Refund {data.get('refund_id', '?')}",
    )
