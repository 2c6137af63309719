"""An action's question: what to ask, and the pending row that holds it until a decision.

The question notes what happened to the same action lately (a failed run is retried with its
key, a done one is mentioned) and who must approve it. Stored in the database before it is
shown (`ActionLedger.add_pending`), so the answer may reach another replica or come after a
restart.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from supportbot.core.message import Message
from supportbot.storage import PendingAction

from . import wording as messages
from .runs import action_fingerprint

if TYPE_CHECKING:
    from supportbot.core.registry import CommandSpec
    from supportbot.storage import ActionLedger

__all__ = ["RECENT", "new_token", "store_question"]

#: An earlier run of the same action this recent is mentioned (and, failed, retried by key).
RECENT = timedelta(hours=24)


def new_token() -> str:
    """A confirmation token: short enough to type (`/approve K3J2…`), too long to guess."""
    return secrets.token_urlsafe(9)


async def store_question(
    ledger: ActionLedger,
    spec: CommandSpec,
    arguments: Mapping[str, Any],
    message: Message,
    prompt: str,
    *,
    ttl: timedelta,
    shown: str | None = None,
) -> tuple[PendingAction, str]:
    """Store the question of `spec` (expiring after `ttl`) and say what to ask: the prompt,
    after what happened to this action lately (a failed run, a run done before), before who
    must approve it (with `shown` in place of the stored `prompt`, for the requester). Raises
    StorageUnavailable when it cannot be stored."""
    fingerprint = action_fingerprint(spec.name, arguments)
    now = datetime.now(UTC)
    token = new_token()
    key, note = token, None
    previous = await ledger.last_run(fingerprint, since=now - RECENT)
    if previous is not None:
        by = previous.user_name or previous.user_id
        if previous.status in ("unknown", "failed", "running"):
            key = previous.idempotency_key  # a retry: the service answers it as the first
            note = {
                "unknown": messages.retry_note_unknown,
                "failed": messages.retry_note_failed,
                "running": messages.retry_note_running,
            }[previous.status](previous.started_at, by)
        else:
            note = messages.done_before_note(previous.finished_at or previous.started_at, by)
    approval = messages.approval_needed_after_confirm(spec.approval) if spec.approval else None
    user = message.user
    pending = PendingAction(
        token=token,
        idempotency_key=key,
        fingerprint=fingerprint,
        command=spec.name,
        text=message.text,
        prompt=prompt,
        user_id=user.id,
        user_name=user.display,
        user_email=user.email,
        user_groups=sorted(user.groups),
        adapter=message.adapter,
        channel=message.channel,
        approval_role=spec.approval,
        created_at=now,
        expires_at=now + ttl,
    )
    await ledger.add_pending(pending)
    asked = shown if shown is not None else prompt
    return pending, "\n".join(part for part in (note, asked, approval) if part)
