"""/reset-pin: send a merchant a new terminal PIN by SMS (an action a lead must approve)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from supportbot import (
    Context,
    MerchantId,
    Outcome,
    Reply,
    action_failed,
    command,
    format_phone,
    format_when,
    mask_phone,
)


class Merchant(BaseModel):
    """What the question needs from the merchants service."""

    name: str = "?"
    status: str = "active"
    phones: list[str] = []


async def preview(ctx: Context, merchant: MerchantId, *, device: str | None = None) -> Any:
    """The merchant's name and where the PIN will go; a suspended merchant is refused first."""
    found = await ctx.call(ctx.services.merchants.get(f"/merchants/{merchant}").expect(Merchant))
    if found.not_found:
        return Reply(outcome=Outcome.NOT_FOUND, text=f"No merchant {merchant}; nothing was reset.")
    if not found.ok:
        return Reply(
            outcome=Outcome.ERROR,
            text=f"Could not look up {merchant}, so nothing was reset. Try again in a minute.",
        )
    data: Merchant = found.data
    if data.status in ("suspended", "closed"):
        until = "the suspension is lifted" if data.status == "suspended" else "it is reopened"
        return Reply(
            outcome=Outcome.REFUSED,
            text=f"{merchant} ({data.name}) is {data.status}: PIN resets are blocked until "
            f"{until}. Nothing was reset.",
        )
    if not data.phones:
        return Reply(
            outcome=Outcome.ERROR,
            text=f"{merchant} has no phone number on file for the SMS; nothing was reset.",
        )
    return {
        "name": data.name,
        "phone": format_phone(data.phones[0]),  # whole to roles that may see it, else masked
        "which": f"device {device}" if device else "all devices",
    }


@command(
    "reset-pin",
    help="Send a merchant a new terminal PIN by SMS (a lead approves)",
    confirm="Reset the PIN of {merchant} ({name}), {which}? The new PIN goes by SMS to {phone}.",
    preview=preview,
    approval="lead",
    allow_yes=False,
    rate_limit="10/hour",
    examples=("/reset-pin M-10001", "/reset-pin M-10001 --device EDC-A920-104233"),
)
async def reset_pin(ctx: Context, merchant: MerchantId, *, device: str | None = None) -> Reply:
    """Resets the PIN of the merchant's terminals (or of one device) and texts the new one.

    merchant: the merchant id, e.g. M-10001
    device: only this device's PIN (its serial, e.g. EDC-A920-104233)
    """
    body = {"device": device} if device else {}
    result = await ctx.call(
        ctx.services.merchants.post(f"/merchants/{merchant}/pin-reset", json=body)
    )
    if result.not_found:
        return Reply(outcome=Outcome.NOT_FOUND, text=f"No merchant {merchant}; nothing was reset.")
    if not result.ok:
        return action_failed(result, f"the PIN reset of {merchant}")
    data = result.data
    again = "was already reset" if data.get("replayed") else "was reset"
    return Reply(
        text=f"The PIN of {merchant} {again}; the new PIN went by SMS to "
        f"{mask_phone(str(data.get('sent_to', '')), ctx.settings.phone_region)} at "
        f"{format_when(data.get('at'))}.",
        footer=f"Reset {data.get('reset_id', '?')}",
    )
