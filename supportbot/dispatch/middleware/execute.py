"""Run a confirmed action exactly once, with its intent committed before anything is called.

The link claims the action's idempotency key in the shared database (`store.actions`) before
the handler runs: the first claim wins; a second click, a Slack retry or another replica gets
"already done at 14:02 by @ani" and the original result. The outcome is written after. A run
whose process stops in between keeps its claim until its lease ends; after that its outcome is
"unknown", and a retry (which reuses the key) may take it over. The service is sent the same key
(`ctx.idempotency_key`, as an `Idempotency-Key` header), so a retry cannot do it twice either.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from supportbot.actions.desk import action_fingerprint, already_done_reply
from supportbot.core.reply import Outcome, Reply
from supportbot.dispatch.chain import Next, Request
from supportbot.storage import RunRecord

from .audit import audit_target, masked_arguments
from .recover import recover

#: A claim outlives the command's deadline by this much before its outcome counts as unknown
#: (the handler cannot run past its deadline; the margin covers writing the outcome).
LEASE_MARGIN = timedelta(seconds=5)
#: Outcomes after which an action counts as done (a 404 is an answer: nothing to retry).
DONE = frozenset({Outcome.OK, Outcome.NOT_FOUND})


async def execute(request: Request, call_next: Next) -> Reply:
    """For the confirmed run of an action: claim its key, run it once, record the outcome."""
    spec = request.spec
    if spec is None or not spec.action or request.confirmed_token is None:
        return await call_next(request)
    ledger = request.bot.actions.ledger
    assert ledger is not None, "an action is only ever asked with a database"
    key = request.idempotency_key or request.confirmed_token
    now = datetime.now(UTC)
    user = request.message.user
    claim = await ledger.claim_run(
        RunRecord(
            idempotency_key=key,
            fingerprint=action_fingerprint(spec.name, request.arguments),
            command=spec.name,
            user_id=user.id,
            user_name=user.display,
            approved_by=request.approved_by,
            arguments=masked_arguments(request),
            target=audit_target(request),
            adapter=request.message.adapter,
            channel=request.message.channel,
            request_id=request.request_id,
            started_at=now,
            lease_until=now + timedelta(seconds=request.bot.timeout_for(spec)) + LEASE_MARGIN,
        )
    )
    if not claim.won:
        return already_done_reply(claim.run)
    # Errors become replies here, so that a crash or a timeout is recorded as this run's outcome.
    reply = await recover(request, call_next)
    done = reply.outcome in DONE
    await ledger.finish_run(
        key,
        request_id=request.request_id,
        state="done" if done else "failed",
        outcome=reply.outcome.value,
        result=reply.model_dump(mode="json"),
        target=audit_target(request),
    )
    if done:
        return reply
    # A service that refused (4xx) would refuse a retry too: then only Escalate is offered.
    failures = request.context.service_failures if request.context is not None else []
    retry = not failures or not all(failure.refused for failure in failures)
    return await request.bot.actions.retry_question(request, reply, retry=retry)
