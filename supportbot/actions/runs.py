"""An action's run as the desk hands it to the dispatcher, and what a second attempt is told.

The desk decides *that* a confirmed (or approved) action runs; the dispatcher runs it, through
the same chain as any command. The desk gets that as a callable (`RunConfirmed`) when it is
built, so `actions` never imports `dispatch`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from supportbot.core.message import Message, User
from supportbot.core.reply import Outcome, Reply
from supportbot.storage import ActionLedger, PendingAction, RunRecord

from . import wording as messages

__all__ = [
    "NEVER_STARTED",
    "ConfirmedRun",
    "RunConfirmed",
    "action_fingerprint",
    "already_done_reply",
    "never_started",
    "requester_of",
    "stored_reply",
    "with_note",
]


@dataclass(frozen=True)
class ConfirmedRun:
    """Run this confirmed action as this user: the message as first typed (sent by the user who
    runs it, from where they decided), its confirmation token, the key that makes it happen at
    most once, and who approved it (for an action that needs approval)."""

    message: Message
    token: str
    idempotency_key: str
    approved_by: str | None = None


#: What the dispatcher lends the desk: run a confirmed action through the chain, return its reply.
RunConfirmed = Callable[[ConfirmedRun], Awaitable[Reply]]


def action_fingerprint(command: str, arguments: Mapping[str, Any]) -> str:
    """The same action, whoever asks and however it was typed: command and normalised arguments.

    A retry of a failed or unknown run is recognised by it, and reuses that run's key.
    """
    canonical = {name: str(value) for name, value in arguments.items() if value is not None}
    text = json.dumps([command, canonical], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def already_done_reply(run: RunRecord) -> Reply:
    """The answer to a second attempt at an action that ran: when, by whom, and its result."""
    if run.outcome_unknown or run.state == "running":
        return Reply(
            outcome=Outcome.PENDING,
            text=messages.still_running(run.command, run.started_at, run.user_name or run.user_id),
        )
    if run.state == "failed":
        return Reply(
            outcome=Outcome.ERROR,
            text=messages.previous_run_failed(
                run.command, run.started_at, run.user_name or run.user_id
            ),
        )
    original = stored_reply(run)
    note = messages.already_done(
        run.command,
        run.finished_at or run.started_at,
        run.user_name or run.user_id,
        run.approved_by,
    )
    return with_note(original, note)


def stored_reply(run: RunRecord) -> Reply:
    """The answer a finished run gave, as the ledger keeps it, without its buttons or question
    (they belonged to that moment)."""
    original = Reply.model_validate(run.result or {})
    return original.model_copy(update={"buttons": [], "confirmation": None})


def with_note(reply: Reply, note: str) -> Reply:
    """`reply` with `note` as its first line."""
    return reply.model_copy(update={"text": f"{note}\n{reply.text}" if reply.text else note})


#: An approved request with no run this long after the approval was never started: a run
#: claims its key within milliseconds of the approval, so only a stopped process leaves one.
NEVER_STARTED = timedelta(minutes=2)


def requester_of(pending: PendingAction) -> User:
    """The person who asked for `pending`: an approved action runs as them."""
    return User(
        id=pending.user_id,
        name=pending.user_name,
        email=pending.user_email,
        groups=frozenset(pending.user_groups or ()),
    )


async def never_started(ledger: ActionLedger, pending: PendingAction) -> bool:
    """An approved request whose run never began: no run in the ledger NEVER_STARTED after the
    approval (the approver's process stopped between the two). Approving it again carries it
    out; the run's idempotency key still keeps it to once."""
    if pending.state != "approved" or pending.decided_at is None:
        return False
    if datetime.now(UTC) - pending.decided_at < NEVER_STARTED:
        return False
    return await ledger.get_run(pending.idempotency_key) is None
