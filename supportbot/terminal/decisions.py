"""Telling the person at a terminal what an approver decided about their request.

The approver may decide anywhere: in Slack, in another shell, on another replica. The only
thing they share is the database, so the requester's shell reads the ledger every
`POLL_S` seconds for its user's requests decided since the shell started, and tells each
once: a refusal with its reason, an approval with the action's answer once its run finished.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from supportbot.actions import wording as action_messages
from supportbot.actions.runs import already_done_reply, stored_reply, with_note
from supportbot.core.message import User
from supportbot.core.reply import Outcome, Reply
from supportbot.storage import ActionLedger, PendingAction, StorageUnavailable

__all__ = ["POLL_S", "DecisionWatcher"]

log = logging.getLogger("supportbot.terminal")

#: How often an open shell looks for decisions on its user's requests.
POLL_S = 1.0


class DecisionWatcher:
    """Reads `ledger` for `user`'s decided requests and hands each, once, to `tell`."""

    def __init__(
        self,
        ledger: ActionLedger,
        user: User,
        tell: Callable[[Reply], None],
        *,
        since: datetime | None = None,
    ) -> None:
        self._ledger = ledger
        self._user = user
        self._tell = tell
        self._since = since or datetime.now(UTC)
        self._told: set[str] = set()

    async def check(self) -> int:
        """One look: tell what was decided since the last one; returns how many were told.

        An approval whose run has not finished yet is told at a later look."""
        told = 0
        settled = True
        for pending in await self._ledger.decided_for(self._user.id, since=self._since):
            if pending.token in self._told:
                continue
            notice = await self._notice(pending)
            if notice is None:
                settled = False  # look at it again; later ones are told meanwhile
                continue
            self._told.add(pending.token)
            self._tell(notice)
            told += 1
            if settled and pending.decided_at is not None:
                self._since = pending.decided_at
        return told

    async def run(self, poll_s: float = POLL_S) -> None:
        """Look every `poll_s` until cancelled; a database that cannot be read is tried again
        at the next look (the shell's own commands say what is wrong)."""
        while True:
            try:
                await self.check()
            except StorageUnavailable as exc:
                log.debug("could not look for decisions: %s", exc)
            await asyncio.sleep(poll_s)

    async def _notice(self, pending: PendingAction) -> Reply | None:
        decision = "approved" if pending.state == "approved" else "rejected"
        note = action_messages.your_request_decided(
            pending.command, pending.decided_by or "An approver", decision, pending.decision_reason
        )
        if decision == "rejected":
            return Reply(outcome=Outcome.OK, text=note)
        run = await self._ledger.get_run(pending.idempotency_key)
        if run is None or (run.state == "running" and not run.outcome_unknown):
            return None
        if run.state == "done":
            return with_note(stored_reply(run), note)
        return with_note(already_done_reply(run), note)  # failed, or its outcome is unknown
