"""The version of a reply that may be shown to a whole channel: personal data masked.

Lookup results go to the requester only; "Share in channel" posts this instead. Fields marked
`personal` are masked (phone numbers and emails keep a recognisable shape, anything else is
hidden), and every free text goes through `mask_text`, which masks the phone numbers and emails
it finds (`supportbot.core.masking.mask_reply`). Buttons and pick-lists are dropped: a shared card
is for reading.
"""

from __future__ import annotations

from supportbot.core.masking import HIDDEN, mask_reply
from supportbot.core.reply import Reply

from . import wording as messages

__all__ = ["HIDDEN", "shareable"]


def shareable(reply: Reply, *, region: str, shared_by: str) -> Reply:
    """`reply` with personal data masked, no buttons, and a footer naming who shared it.

    `shared_by` names the person in the footer (their display name: a mention would be escaped).
    """
    masked = mask_reply(reply, region)
    footer = messages.slack_shared_by(shared_by)
    if masked.footer:
        footer = f"{masked.footer} · {footer}"
    return Reply(
        title=masked.title,
        text=masked.text,
        sections=masked.sections,
        warnings=list(reply.warnings),
        footer=footer,
        outcome=reply.outcome,
        error_ref=reply.error_ref,
    )
