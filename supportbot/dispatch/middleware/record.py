"""Put every command run about a merchant on its timeline, attached to the agent's open
interaction with that merchant (see `supportbot.record.runs`).

Runs that wrote their own lines on the record (/note, /tag, /log...) and runs about no merchant
are left alone. A record that cannot be written costs the user nothing: the answer goes out and
the log says what was lost.
"""

from __future__ import annotations

import asyncio
import logging

from supportbot.core.reply import Outcome, Reply
from supportbot.dispatch.chain import Link, Next, Request
from supportbot.record.runs import RunOnRecord, merchant_of_target, record_run
from supportbot.record.sla import SlaClock
from supportbot.storage import Store

from .audit import audit_target, masked_arguments

__all__ = ["record_link"]

log = logging.getLogger("supportbot.record")

#: Runs that did nothing about the merchant are not lines on its timeline.
_NOT_RUN = {Outcome.REJECTED, Outcome.DENIED, Outcome.RATE_LIMITED, Outcome.PENDING}


def record_link(store: Store | None, region: str, clock: SlaClock | None = None) -> Link[Request]:
    """The link that writes each run about a merchant to `store`'s record (None: no record);
    `clock` records the first response's SLA when a run is the first reply."""

    async def record(request: Request, call_next: Next[Request]) -> Reply:
        """Run the chain, then put the run on its merchant's timeline."""
        reply = await call_next(request)
        notes = request.notes
        merchant = merchant_of_target(audit_target(notes))
        if store is None or merchant is None or notes.record_handled or notes.spec is None:
            return reply
        if reply.outcome in _NOT_RUN:
            return reply
        run = RunOnRecord(
            request_id=request.request_id,
            merchant_id=merchant,
            user_id=request.message.user.id,
            user_name=request.message.user.display,
            command=notes.spec.name,
            arguments=masked_arguments(notes, region),
            outcome=reply.outcome.value,
        )
        try:
            await record_run(store, run, clock=clock)
        except (Exception, asyncio.CancelledError):
            log.exception("could not put run %s on the record of %s", run.request_id, merchant)
        return reply

    return record
