"""The answer of an action whose service call failed: what failed, and whether anything changed.

Weekend staff must know which of the two it is: "refused, nothing changed" can be told to the
customer at once; "may or may not have happened" must be retried (safely: same key) first.
"""

from __future__ import annotations

from typing import Any

from supportbot.core.reply import Outcome, Reply
from supportbot.services.results import ServiceResult

from . import wording as messages

__all__ = ["action_failed"]


def action_failed(result: ServiceResult[Any], what: str) -> Reply:
    """The reply for a failed call of an action; `what` names the change ("the refund of
    TX-1042"). Uses the service's own reason when it gave one (`result.refusal`)."""
    reason = result.refusal or (result.error.user_message if result.error else "it failed")
    if result.nothing_changed:
        text = messages.action_refused(result.service, what, reason, sent=result.refused)
    else:
        text = messages.action_unconfirmed(result.service, what, reason)
    return Reply(outcome=Outcome.ERROR, text=text)
