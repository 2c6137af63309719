"""/alias: save a phone number the team learnt for a merchant (after a confirmation that names
the merchant), or forget it with /alias remove.

Numbers are written and looked up in E.164, whatever way they were typed. A number belongs to
at most one merchant: saving it for another is refused with who has it. Every change is in the
audit trail and on the merchant's timeline.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from supportbot import (
    Context,
    MerchantId,
    Outcome,
    PhoneNumber,
    Reply,
    Rest,
    UsageError,
    command,
)

EXAMPLE = "/alias 0813-5555-0001 M-10001"


class Merchant(BaseModel):
    """What the confirmation names."""

    name: str = "?"


def _parse(ctx: Context, words: str) -> tuple[bool, PhoneNumber, MerchantId | None]:
    """`<phone> <merchant id>` or `remove <phone>`; a phone may be typed with spaces."""
    parts = words.split()
    removing = bool(parts) and parts[0].lower() == "remove"
    if removing:
        parts = parts[1:]
    merchant = parts.pop() if len(parts) > 1 and not removing else None
    number_text = " ".join(parts)
    if not number_text:
        raise UsageError(
            "Give the phone number: /alias <phone> <merchant id>, or /alias remove <phone>.",
            example=EXAMPLE,
        )
    try:
        phone = PhoneNumber.parse(number_text, ctx.settings.phone_region)
    except ValueError as exc:
        raise UsageError(
            f"{number_text[:40]!r} is not a phone number: {exc}", example=EXAMPLE
        ) from None
    if removing:
        return True, phone, None
    if not merchant:
        raise UsageError("Say whose number it is: /alias <phone> <merchant id>.", example=EXAMPLE)
    try:
        return False, phone, MerchantId.parse(merchant)
    except ValueError:
        raise UsageError(
            f"{merchant[:40]!r} is not a merchant id (M-10001).", example=EXAMPLE
        ) from None


async def preview(ctx: Context, words: Rest) -> Any:
    """The question names the merchant (and, to remove, whose the number is now)."""
    removing, phone, merchant_id = _parse(ctx, str(words))
    if removing:
        saved = await ctx.record.alias(phone.e164)
        if saved is None:
            return Reply(
                outcome=Outcome.NOT_FOUND,
                text=f"{phone.national} is not a saved number, so there is nothing to remove.",
            )
        return {"question": f"Forget that {phone.national} is {saved.merchant_id}'s number?"}
    assert merchant_id is not None
    found = await ctx.call(ctx.services.merchants.get(f"/merchants/{merchant_id}").expect(Merchant))
    if found.not_found:
        return Reply(
            outcome=Outcome.NOT_FOUND, text=f"No merchant {merchant_id}; nothing was saved."
        )
    if not found.ok:
        return Reply(
            outcome=Outcome.ERROR,
            text=f"Could not look up {merchant_id} to confirm, so nothing was saved. "
            "Try again in a minute.",
        )
    owner = await ctx.record.alias(phone.e164)
    if owner is not None and owner.merchant_id != str(merchant_id):
        ctx.record.refuse_taken(phone.national, owner)
    return {"question": f"Save {phone.national} as a number of {found.data.name} ({merchant_id})?"}


@command(
    "alias",
    help="Save a phone number for a merchant (or /alias remove it)",
    confirm="{question}",
    preview=preview,
    examples=(EXAMPLE, "/alias remove 0813-5555-0001"),
)
async def alias(ctx: Context, words: Rest) -> Reply:
    """The next /merchant or /log with that number finds the merchant, and says so.

    words: the phone number (any format) and the merchant id, or `remove` and the number
    """
    removing, phone, merchant_id = _parse(ctx, str(words))
    record = ctx.record
    if removing:
        removed = await record.remove_alias(phone.e164, phone.national)
        return Reply(text=f"{phone.national} is no longer saved for {removed.merchant_id}.")
    assert merchant_id is not None
    saved = await record.save_alias(phone.e164, str(merchant_id), phone.national)
    already = "was already" if not saved else "is now"
    return Reply(
        text=f"{phone.national} {already} saved for {merchant_id}.",
        footer=f"/merchant {phone.national} finds it",
    )
