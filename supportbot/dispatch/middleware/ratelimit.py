"""Stop a user who has run a command as often as its rate limit allows within its period.

Runs are counted from the audit trail (this user, this command, the period up to now), so the
limit holds across replicas sharing the database. What counts is what ran: outcomes ok,
not_found, error and timeout; a refusal, a usage error, an unanswered or cancelled confirmation
or an earlier rate-limited attempt does not. Only commands with a limit cost a query.

Limits of this way of counting, by design:

- without a store limits are not enforced (the bot is built without this link);
- if the database cannot be read the command runs (as it runs when the audit record cannot be
  written), and the log says so;
- a run counts once its audit record is written, when it ends: runs started at the same moment
  can pass the limit by the number still running.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from supportbot.access import wording as messages
from supportbot.access.ratelimit import again_at_text, effective_limit
from supportbot.core.reply import Outcome, Reply
from supportbot.core.settings import Settings
from supportbot.dispatch.chain import Link, Next, ValidRequest
from supportbot.storage import AuditLog

__all__ = ["COUNTED_OUTCOMES", "ratelimit_link"]

log = logging.getLogger("supportbot.ratelimit")

#: The outcomes of runs that count against a limit: the command ran.
COUNTED_OUTCOMES = frozenset({Outcome.OK, Outcome.NOT_FOUND, Outcome.ERROR, Outcome.TIMEOUT})
_COUNTED = sorted(outcome.value for outcome in COUNTED_OUTCOMES)


def ratelimit_link(audit_log: AuditLog, settings: Settings) -> Link[ValidRequest]:
    """The link that counts runs in `audit_log` against the limits of `settings`
    (`rate_limits` over each command's own)."""

    async def ratelimit(request: ValidRequest, call_next: Next[ValidRequest]) -> Reply:
        """Answer RATE_LIMITED, saying when it may run again, once the user has reached the
        limit."""
        spec = request.spec
        limit = effective_limit(spec, settings)
        if limit is None:
            return await call_next(request)
        now = datetime.now(UTC)
        user_id, since = request.message.user.id, now - limit.window
        oldest: datetime | None = None
        try:
            runs = await audit_log.count(
                user_id=user_id, command=spec.name, since=since, outcomes=_COUNTED
            )
            # Over the limit, the user may run it again once the limit-th newest run has left
            # the period; under it, no second query.
            if runs >= limit.runs:
                oldest = await audit_log.nth_newest_at(
                    limit.runs, user_id=user_id, command=spec.name, since=since, outcomes=_COUNTED
                )
        except Exception:
            log.exception("could not count runs of /%s for its rate limit; not enforced", spec.name)
            runs = 0
        if runs < limit.runs:
            return await call_next(request)
        again = (oldest or now) + limit.window
        return Reply(
            outcome=Outcome.RATE_LIMITED,
            text=messages.rate_limited(
                spec.name,
                runs,
                limit.runs,
                limit.window_text,
                again_at_text(again, now, limit.window_s),
            ),
        )

    return ratelimit
