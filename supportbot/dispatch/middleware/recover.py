"""Turn every failure into a reply a person can act on; tracebacks go to the log only.

A failed answer (an error or a timeout) always carries the run's error reference, also when the
command returned it rather than raised: it is what `/escalate` and the Escalate button take.
"""

from __future__ import annotations

from supportbot.core.reply import Outcome, Reply
from supportbot.dispatch.chain import Link, Next, Request
from supportbot.dispatch.error_reply import error_reply
from supportbot.dispatch.handler import timeout_of

__all__ = ["FAILED_OUTCOMES", "recover_link"]

#: Outcomes of a run that failed, which engineering may be asked to look at.
FAILED_OUTCOMES = frozenset({Outcome.ERROR, Outcome.TIMEOUT})


def recover_link(command_timeout_s: float) -> Link[Request]:
    """The link that maps exceptions to replies; `command_timeout_s` is the default deadline
    (a command's own `timeout_s` wins), named in a timeout's answer."""

    async def recover(request: Request, call_next: Next[Request]) -> Reply:
        """Run the rest of the chain; map exceptions to replies with an outcome."""
        try:
            reply = await call_next(request)
        except Exception as exc:
            return error_reply(
                request, exc, timeout_s=timeout_of(request.notes.spec, command_timeout_s)
            )
        if reply.outcome in FAILED_OUTCOMES and reply.error_ref is None:
            return reply.model_copy(update={"error_ref": request.request_id})
        return reply

    return recover
