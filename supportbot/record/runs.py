"""Lookups and actions on the record: every command run about a merchant becomes a line on its
timeline, attached to the agent's open interaction with that merchant, or marked as run without
one. The line carries the run's request id: the link from the audit trail to the record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from supportbot.storage import Store, TimelineEvent

from .sla import SlaClock

__all__ = ["RunOnRecord", "merchant_of_target", "record_run"]

_MERCHANT_ID = re.compile(r"M-\d{1,12}")


def merchant_of_target(target: str | None) -> str | None:
    """The merchant id a run's audit target names, if it names one."""
    return target if target is not None and _MERCHANT_ID.fullmatch(target) else None


@dataclass(frozen=True, kw_only=True)
class RunOnRecord:
    """What the timeline keeps of one run (arguments already masked)."""

    request_id: str
    merchant_id: str
    user_id: str
    user_name: str
    command: str
    arguments: str
    outcome: str


async def record_run(
    store: Store, run: RunOnRecord, *, clock: SlaClock | None = None
) -> str | None:
    """Put `run` on its merchant's timeline; the interaction it was attached to, if any.

    The first run attached to an interaction marks its first reply (the agent had an answer
    to give), unless the phone system said when the call was answered; `clock` then records
    the first response's business time and SLA.
    """
    record = store.record
    now = datetime.now(UTC)
    open_now = await record.open_interaction_of(run.user_id)
    attached = (
        open_now if open_now is not None and open_now.merchant_id == run.merchant_id else None
    )
    where = f" in {attached.ref}" if attached is not None else " (no interaction)"
    event = TimelineEvent(
        event_key=f"run:{run.request_id}",
        merchant_id=run.merchant_id,
        at=now,
        kind="command",
        actor_id=run.user_id,
        actor_name=run.user_name,
        interaction_ref=attached.ref if attached is not None else None,
        request_id=run.request_id,
        summary=f"/{run.command} {run.arguments}".strip() + f" → {run.outcome}{where}",
        detail={"command": run.command, "outcome": run.outcome},
    )
    if attached is not None and attached.first_reply_at is None:
        sla = clock.on_first_reply(attached, now) if clock is not None else {}
        await record.update_interaction(attached.ref, event, first_reply_at=now, **sla)
    else:
        await record.add_events(event)
    return attached.ref if attached is not None else None
