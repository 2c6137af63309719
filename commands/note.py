"""/note: a note on a merchant or an interaction; /note retract N-... takes one back.

Notes are append-only: a retracted note stays on the record, marked, for leads to see.
"""

from __future__ import annotations

from supportbot import Context, Reply, Rest, command

EXAMPLE = "/note M-10001 customer asked about QRIS settlement"


@command(
    "note",
    help="Add a note to a merchant or an interaction (or retract one)",
    examples=(EXAMPLE, "/note I-7K3QX2 will call back at 3pm", "/note retract N-4K2P9Q"),
)
async def note(ctx: Context, about: str, text: Rest | None = None) -> Reply:
    """Notes go on the merchant's timeline and the card shows the last three. Phone numbers
    and emails in a note are masked wherever the privacy rules mask them.

    about: a merchant id (M-10001), an interaction id (I-7K3QX2), or `retract`
    text: the note (after `retract`: the note's id, N-4K2P9Q)
    """
    record = ctx.record
    if about.lower() == "retract":
        retracted = await record.retract(str(text or "").strip())
        return Reply(text=f"Note {retracted.ref} is retracted; leads still see it, marked.")
    subject = await record.subject(about, example=EXAMPLE)
    added = await record.note(subject, str(text or ""))
    where = subject.interaction_ref or subject.merchant_id
    return Reply(
        text=f"Note {added.ref} added to {where}.",
        footer=f"Retract it with /note retract {added.ref}",
    )
