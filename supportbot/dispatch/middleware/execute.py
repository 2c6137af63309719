"""Run a confirmed action exactly once, with its intent committed before anything is called.

The link claims the action's idempotency key in the shared database (`store.actions`) before
the handler runs: the first claim wins; a second click, a Slack retry or another replica gets
"already done at 14:02 by @ani" and the original result. The outcome is written after. A run
whose process stops in between keeps its claim until its lease ends; after that its outcome is
"unknown", and a retry (which reuses the key) may take it over. Every changing call the
action makes is sent the same key as an `Idempotency-Key` header (`supportbot.services.idempotency`:
the framework adds it, not the command), so a retry cannot do it twice either.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from supportbot.actions import wording as messages
from supportbot.actions.desk import ActionDesk
from supportbot.actions.runs import ConfirmedRun, action_fingerprint, already_done_reply
from supportbot.actions.unrecorded import unrecorded
from supportbot.core.reply import Outcome, Reply
from supportbot.dispatch.chain import Link, Next, ValidRequest
from supportbot.dispatch.error_reply import error_reply
from supportbot.services.idempotency import action_key
from supportbot.storage import RunRecord, StorageUnavailable

from .audit import audit_target, masked_arguments

__all__ = ["DONE", "LEASE_MARGIN", "execute_link"]

#: A claim outlives the command's deadline by this much before its outcome counts as unknown
#: (the handler cannot run past its deadline; the margin covers writing the outcome).
LEASE_MARGIN = timedelta(seconds=5)
#: Outcomes after which an action counts as done (a 404 is an answer: nothing to retry).
DONE = frozenset({Outcome.OK, Outcome.NOT_FOUND})


def execute_link(desk: ActionDesk, region: str) -> Link[ValidRequest]:
    """The link that runs confirmed actions once, in the ledger of `desk` (which also asks the
    retry question of a failed run); arguments are recorded masked as `region` writes them."""

    async def execute(request: ValidRequest, call_next: Next[ValidRequest]) -> Reply:
        """For the confirmed run of an action: claim its key, run it once, record the outcome."""
        spec, confirmed = request.spec, request.confirmed
        if not spec.action or confirmed is None:
            return await call_next(request)
        ledger = desk.ledger
        if ledger is None:  # the desk asks no question without one; a run cannot get here
            return Reply(outcome=Outcome.ERROR, text=messages.actions_need_a_database(spec.name))
        notes, context = request.notes, request.context
        try:
            claim = await ledger.claim_run(intent(request, confirmed, region))
        except StorageUnavailable as exc:
            # The intent is not committed, so the service is not called: nothing was done.
            notes.error = exc
            return unrecorded(spec.name, exc)
        if not claim.won:
            return already_done_reply(claim.run)
        # Errors become replies here, so that a crash or a timeout is recorded as this run's
        # outcome.
        try:
            with action_key(confirmed.idempotency_key):  # every changing call sends it
                reply = await call_next(request)
        except Exception as exc:
            reply = error_reply(request, exc, timeout_s=context.timeout_s)
        done = reply.outcome in DONE
        await ledger.finish_run(
            confirmed.idempotency_key,
            request_id=request.request_id,
            state="done" if done else "failed",
            outcome=reply.outcome.value,
            result=reply.model_dump(mode="json"),
            target=audit_target(notes),
        )
        if done:
            return reply
        # A service that refused (4xx) would refuse a retry too: then only Escalate is offered.
        failures = context.service_failures
        return await desk.retry_question(
            spec=spec,
            arguments=request.arguments,
            message=request.message,
            request_id=request.request_id,
            failed=reply,
            retry=not failures or not all(failure.refused for failure in failures),
        )

    return execute


def intent(request: ValidRequest, confirmed: ConfirmedRun, region: str) -> RunRecord:
    """The intent to run `request`, the confirmed action, under its idempotency key: committed
    before the handler runs."""
    notes, spec, user = request.notes, request.spec, request.message.user
    now = datetime.now(UTC)
    return RunRecord(
        idempotency_key=confirmed.idempotency_key,
        fingerprint=action_fingerprint(spec.name, request.arguments),
        command=spec.name,
        user_id=user.id,
        user_name=user.display,
        approved_by=confirmed.approved_by,
        arguments=masked_arguments(notes, region),
        target=audit_target(notes),
        adapter=request.message.adapter,
        channel=request.message.channel,
        request_id=request.request_id,
        started_at=now,
        lease_until=now + timedelta(seconds=request.context.timeout_s) + LEASE_MARGIN,
    )
