"""CSAT: one 1-5 rating per interaction, recorded by the agent who heard it (`/csat I-7K3QX2 4`).

The database keeps the first rating only (a conditional write), so a double click or a second
agent cannot change it. A rating at or below `[kpi] csat_alert_at` is told to the leads at once
(the leads' outlet: `[kpi] leads_channel` in Slack, the log otherwise).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from supportbot.core.errors import UsageError
from supportbot.core.masking import mask_text
from supportbot.storage import Interaction

from . import wording as messages
from .refs import INTERACTION, normalized_ref

if TYPE_CHECKING:
    from .desk import RecordDesk

__all__ = ["Rating", "parse_score", "rate_interaction"]

log = logging.getLogger("supportbot.record")


@dataclass(frozen=True)
class Rating:
    """A rating just recorded, and whether the leads were told."""

    interaction: Interaction
    score: int
    alerted: bool

    @property
    def sentence(self) -> str:
        """What the agent reads: recorded, and whether the leads were told."""
        return messages.csat_recorded(self.interaction.ref, self.score, self.alerted)


def parse_score(text: str) -> int:
    """`4` -> 4; UsageError naming what was typed unless it is a whole number from 1 to 5."""
    cleaned = text.strip().removesuffix("/5")
    if not (cleaned.isascii() and cleaned.isdigit() and 1 <= int(cleaned) <= 5):
        raise UsageError(messages.bad_csat_score(text), example="/csat I-7K3QX2 4")
    return int(cleaned)


async def rate_interaction(
    desk: RecordDesk,
    reference: str,
    score_text: str,
) -> Rating:
    """Record the customer's rating of interaction `reference`; UsageError (nothing stored)
    when it is not an interaction, is still open, or was rated already. A rating at or below
    the desk's `csat_alert_at` is told to the leads (`desk.tell_leads`)."""
    score = parse_score(score_text)
    ref = normalized_ref(reference)
    if ref is None or not ref.startswith(INTERACTION + "-"):
        raise UsageError(messages.not_an_interaction(reference), example="/csat I-7K3QX2 4")
    found = await desk.store.record.interaction(ref)
    if found is None:
        raise UsageError(messages.no_such_interaction(ref))
    if found.closed_at is None:
        raise UsageError(messages.csat_while_open(ref), example=f"/done, then /csat {ref} 4")
    desk.quiet()
    at = desk.now()
    earlier = await desk.store.kpi.rate(ref, score, by=desk.user.id, at=at)
    if earlier is not None:
        raise UsageError(messages.csat_already(ref, earlier.csat, earlier.csat_by))
    alerted = False
    tell_leads = desk.tell_leads
    if score <= desk.csat_alert_at and tell_leads is not None:
        text = messages.low_csat_alert(found, score, desk.user.display)
        try:
            await tell_leads(mask_text(text, desk.region))
            alerted = True
        except Exception:
            log.exception("could not tell the leads about the low rating of %s", ref)
    return Rating(found, score, alerted)
