"""/log and /done: open an interaction with a customer (answered with their card) and close it.

    /log 0812-3456-7890 #settlement/delayed customer says Tuesday's money is missing
    /done #resolution/solved explained the bank's cut-off --mood calm

While it is open, the agent's lookups and actions on that merchant attach to it (the record
link does that); its tags and notes go on the merchant's timeline.
"""

from __future__ import annotations

from supportbot import (
    Choice,
    Context,
    MerchantRef,
    Outcome,
    Reply,
    Rest,
    card_buttons,
    command,
)

#: What /log shows when no /merchant command is loaded to build the card.
NO_CARD = "(no /merchant command is loaded, so no card)"


async def _card(ctx: Context, who: MerchantRef) -> Reply | None:
    """The merchant card, from the /merchant command (None when it is not loaded)."""
    spec = ctx.commands.get("merchant")
    if spec is None:
        return None
    reply = await spec.handler(ctx, who)
    return reply if isinstance(reply, Reply) else Reply(text=str(reply))


def _point_buttons_at(reply: Reply, interaction_ref: str) -> None:
    """The card's Add note and Tag go on the contact just logged (and so on its merchant); an
    unknown contact's card gets them too, beside its Save this number."""
    ours = card_buttons(interaction_ref)
    mine = {button.action for button in ours}
    reply.buttons = [*ours, *(b for b in reply.buttons if b.action not in mine)]


@command(
    "log",
    help="Open an interaction with a customer and show their card",
    examples=(
        "/log 0812-3456-7890 #settlement/delayed asks where Tuesday's money is",
        "/log M-10001 --channel call",
    ),
)
async def log(
    ctx: Context,
    who: MerchantRef,
    text: Rest | None = None,
    *,
    channel: str = "chat",
    mood: str | None = None,
    link: str | None = None,
    call_id: str | None = None,
) -> Reply:
    """Logs a contact (an unknown number or email is logged too, as unknown) and answers with
    the merchant's card. Close it with /done.

    who: the customer's phone number, email or merchant id
    text: tags first (#settlement/delayed), then a note
    channel: chat, call, email or other
    mood: the customer's mood as you read it: angry, frustrated, confused, calm, happy
    link: a link to the conversation
    call_id: the phone system's id of the call (the incoming-calls webhook passes it)
    """
    record = ctx.record
    tags, note = record.split_tags(str(text or ""))
    source = "webhook" if call_id else "command"
    agent = ctx.user if source == "command" else None  # a phone system holds many at once
    await record.check_open(tags=tags, note=note, channel=channel, mood=mood, agent=agent)
    card = await _card(ctx, who)
    # The card found the merchant already: asking again costs nothing (answered from that run).
    found = await ctx.find_merchant(who) if card is not None else None
    merchant_id = found.merchant_id if found and card and card.outcome is Outcome.OK else None
    if card is not None and card.choices:  # several merchants: log once the agent picks one
        card.choices = [
            Choice(
                label=c.label,
                description=c.description,
                command=c.command.replace("/merchant ", "/log ", 1) + (f" {text}" if text else ""),
            )
            for c in card.choices
        ]
        card.text = "Pick the merchant to log this contact for:"
        return card
    if who.kind == "merchant_id":
        if card is not None and card.outcome is Outcome.NOT_FOUND:
            card.text = f"{card.text} Nothing was logged."
            return card
        merchant_id = who.value
    elif card is not None and card.outcome not in (Outcome.OK, Outcome.NOT_FOUND):
        card.text = f"{card.text} Nothing was logged: try again once it answers."
        return card
    interaction = await record.open(
        channel=channel,
        merchant_id=merchant_id,
        contact=who.value,
        contact_kind=who.kind,
        tags=tags,
        note=note or None,
        mood=mood,
        link=link,
        source=source,
        external_id=call_id,
    )
    about = merchant_id or "an unknown contact"
    opened = f"Logged {interaction.ref} ({channel}) for {about}; close it with /done."
    reply = card or Reply(text=NO_CARD)
    _point_buttons_at(reply, interaction.ref)
    if merchant_id is None:
        reply.outcome = Outcome.OK  # logged, as unknown: the not-found card says what to do
    reply.text = f"{opened}\n{reply.text}" if reply.text else opened
    suggestions = await ctx.knowledge.link_suggestions(
        [t.lstrip("#") for t in tags], interaction.ref
    )
    if suggestions:
        reply.section("Known issues with these tags").items += suggestions
    return reply


#: The CSAT scale the close offers, in pick order: picking 4 records a 4.
RATINGS = ((1, "bad"), (2, "poor"), (3, "okay"), (4, "good"), (5, "great"))


@command(
    "done",
    help="Close your open interaction, with its last tags and a note",
    examples=("/done #resolution/solved explained the bank's cut-off", "/done --outcome follow_up"),
)
async def done(
    ctx: Context,
    text: Rest | None = None,
    *,
    outcome: str = "resolved",
    mood: str | None = None,
) -> Reply:
    """Closes the interaction /log opened.

    text: tags first (#resolution/solved), then a note
    outcome: resolved, follow_up, escalated or abandoned
    mood: the customer's mood as you read it: angry, frustrated, confused, calm, happy
    """
    record = ctx.record
    tags, note = record.split_tags(str(text or ""))
    closed = await record.close(tags=tags, note=note or None, outcome=outcome, mood=mood)
    minutes = record.minutes_open(closed)
    return Reply(
        text=f"Closed {closed.ref} ({closed.channel}, {closed.merchant_id or 'unknown contact'})"
        f" after {minutes} min, {closed.outcome}. The customer's rating, if they gave one:"
        f" pick it, or later /csat {closed.ref} <1-5>.",
        choices=[
            Choice(label=f"{score} {word}", command=f"/csat {closed.ref} {score}")
            for score, word in RATINGS
        ],
        footer=f"/timeline {closed.merchant_id}" if closed.merchant_id else None,
    )


@command(
    "reopen",
    help="Open your closed interaction again: the customer came back about the same thing",
    examples=("/reopen I-7K3QX2",),
)
async def reopen(ctx: Context, interaction: str) -> Reply:
    """It becomes your open interaction again, with its tags and notes; close it with /done.
    A reopened interaction always goes into the week's QA sample.

    interaction: the interaction id, I-7K3QX2 (/timeline shows it)
    """
    opened = await ctx.record.reopen(interaction)
    return Reply(
        text=f"{opened.ref} is open again, as your interaction; close it with /done when it is "
        "settled.",
        footer=f"/timeline {opened.merchant_id}" if opened.merchant_id else None,
    )


__all__ = ["done", "log", "reopen"]
