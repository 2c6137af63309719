"""The record's part of the merchant card: the open interaction, the last notes, the most used
tags and how many contacts there were in 30 days.

One read of four small indexed statements in one session (`store.record.card`), meant to run
concurrently with the card's service calls (`asyncio.gather`), so the card costs no extra
service latency. When the database cannot
answer in time, the card says so in this section and shows everything else.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from supportbot.core.reply import Button, Section
from supportbot.storage import StorageUnavailable, Store

from . import wording as messages
from .wording import day

__all__ = ["CONTACT_DAYS", "NOTES_SHOWN", "card_buttons", "record_section"]

log = logging.getLogger("supportbot.record")

NOTES_SHOWN = 3
TAGS_SHOWN = 3
CONTACT_DAYS = 30


async def record_section(
    store: Store, merchant_id: str, now: datetime, *, hide_group: str | None = None
) -> Section:
    """The card's "Support record" section for `merchant_id`. Tags of `hide_group` (how
    contacts ended) are not "top tags": they say nothing about what the merchant needs."""
    section = Section(title="Support record", source="record")
    try:
        found = await store.record.card(
            merchant_id,
            contacts_since=now - timedelta(days=CONTACT_DAYS),
            notes=NOTES_SHOWN,
            tags=TAGS_SHOWN,
            hide_group=hide_group,
        )
    except StorageUnavailable as exc:
        log.warning("the record of %s could not be read: %s", merchant_id, exc)
        section.text = "The support record could not be read just now (the database is slow)."
        return section
    items: list[str] = []
    for interaction in found.open_now[:1]:
        minutes = max(0, round((now - interaction.opened_at).total_seconds() / 60))
        items.append(
            f"Open: {interaction.ref} ({interaction.channel}) with "
            f"{interaction.agent_name or interaction.agent_id}, for {minutes} min"
        )
    for note in found.notes:
        items.append(
            f"Note {note.ref} by {note.author_name or note.author_id} on {day(note.at)}: "
            f"{note.text}"
        )
    if found.top_tags:
        items.append("Top tags: " + ", ".join(f"#{tag} ({n})" for tag, n in found.top_tags))
    contacts = found.contacts
    items.append(
        f"{contacts} contact{'s' if contacts != 1 else ''} in the last {CONTACT_DAYS} days"
    )
    section.items = items
    return section


def card_buttons(about: str) -> list[Button]:
    """Add note and Tag for a card about `about`: a merchant id (M-10001) or the interaction
    just logged (I-7K3QX2). In Slack they open forms (`form:note`, `form:tag`); the terminal
    does the same with /note and /tag. Anyone who sees the card may click them: the form
    checks the clicker's role as the typed command would."""
    return [
        Button(
            label=messages.add_note_label(),
            action="form:note",
            value=about,
            requester_only=False,
        ),
        Button(label=messages.tag_label(), action="form:tag", value=about, requester_only=False),
    ]
