"""Reopening: the customer came back about the same thing (`/reopen I-7K3QX2`).

The closed interaction becomes its agent's open one again (close it with `/done` as before),
keeps its tags, notes and SLA verdicts as they were at the close, and is marked `reopened_at`:
a reopened interaction always goes into the week's QA sample (see `qa_sample`), because a
contact that had to be opened again is the one worth a second look.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from supportbot.core.errors import UsageError
from supportbot.storage import Interaction

from . import wording as messages
from .refs import INTERACTION, normalized_ref

if TYPE_CHECKING:
    from .desk import RecordDesk
    from .subject import Subject

__all__ = ["reopen_interaction"]

EXAMPLE = "/reopen I-7K3QX2"


async def reopen_interaction(desk: RecordDesk, reference: str, subject: Subject) -> Interaction:
    """Open the closed interaction `reference` again for the agent who handled it; UsageError
    (nothing stored) when it is not one, is still open, is another agent's, or the agent has
    another interaction open."""
    ref = normalized_ref(reference)
    if ref is None or not ref.startswith(INTERACTION + "-"):
        raise UsageError(messages.not_an_interaction(reference), example=EXAMPLE)
    found = await desk.store.record.interaction(ref)
    if found is None:
        raise UsageError(messages.no_such_interaction(ref))
    if found.closed_at is None:
        raise UsageError(messages.reopen_while_open(ref))
    if found.agent_id != desk.user.id:
        raise UsageError(messages.reopen_not_yours(ref, found.agent_name or found.agent_id))
    already = await desk.open_interaction()
    if already is not None:
        raise UsageError(messages.already_open(already.ref, already.merchant_id))
    at = desk.now()
    values: dict[str, object] = {
        "reopened_at": at,
        "closed_at": None,
        "closed_by": None,
        "outcome": None,
    }
    event = desk.event(subject, "reopened", messages.reopened_summary(found), at=at)
    await desk.store.record.update_interaction(ref, event, **values)
    return replace(found, **values)  # type: ignore[arg-type]
