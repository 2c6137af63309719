"""The action desk: what happens to a declared action between its question and its run.

::

    /resend-receipt TX-1042 ─> question (pending) ─confirm─> runs once ─> done | failed
    /reset-pin M-10001      ─> question (pending) ─confirm─> awaiting approval
                                                   ─approve (another lead)─> runs once
                                                   ─reject─> nothing happens

Every state change is a conditional UPDATE in the shared database (`store.actions`), so one click
wins however many arrive, on however many replicas; confirmations survive a restart. Every
refused attempt (someone else's button, an expired question, approving one's own request) gets
an audit record, like every command run.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from supportbot.core.message import Message, User
from supportbot.core.reply import Button, Confirmation, Outcome, Reply
from supportbot.core.request_ids import new_request_id
from supportbot.storage import AuditEntry, PendingAction, StorageUnavailable

from . import wording as messages
from .escalation import EscalationSink, LogEscalationSink, escalate
from .questions import store_question
from .runs import ConfirmedRun, RunConfirmed, already_done_reply, never_started, requester_of
from .unrecorded import (
    decision_deadline,
    recording_problem,
    unescalated,
    unrecorded_decision,
)

if TYPE_CHECKING:
    from supportbot.core.registry import CommandSpec
    from supportbot.storage import ActionLedger, Store

__all__ = ["ActionDesk", "RequesterNotifier"]

log = logging.getLogger("supportbot.actions")

T = TypeVar("T")

#: Told when an approver decides someone's request (the Slack adapter lends one: the requester
#: gets a note): `(request, approver, "approved" | "rejected", reply)`.
RequesterNotifier = Callable[[PendingAction, User, str, Reply], Awaitable[None]]


@dataclass(frozen=True)
class _Decision:
    """Who decides what, where; `record` is False when the chain audits it already (a command)."""

    user: User
    adapter: str
    channel: str | None
    name: str
    record: bool = True


def _refused(text: str, outcome: Outcome = Outcome.REJECTED) -> Reply:
    return Reply(outcome=outcome, text=text)


class ActionDesk:
    """Confirmations, approvals, cancellations and escalations of one bot."""

    def __init__(
        self,
        *,
        store: Store | None,
        run_confirmed: RunConfirmed,
        roles_of: Callable[[User], frozenset[str]],
        confirm_ttl_s: float,
        escalation_sink: EscalationSink | None = None,
        requester_notifier: RequesterNotifier | None = None,
        decision_timeout_s: float = 10.0,
    ) -> None:
        """`run_confirmed` runs a decided action through the dispatcher; `roles_of` says whose
        roles may approve; questions expire after `confirm_ttl_s`. Escalations go to
        `escalation_sink` (the log by default); `requester_notifier` (if any) tells a requester
        what an approver decided. A decision's database work waits at most
        `decision_timeout_s` (the bot's command deadline)."""
        self._store = store
        self._decision_timeout_s = decision_timeout_s
        self._run_confirmed = run_confirmed
        self._roles_of = roles_of
        self._confirm_ttl = timedelta(seconds=confirm_ttl_s)
        self._escalation_sink: EscalationSink = escalation_sink or LogEscalationSink()
        self._requester_notifier = requester_notifier

    @property
    def ledger(self) -> ActionLedger | None:
        """The database's action tables, or None for a bot without a store."""
        return self._store.actions if self._store is not None else None

    def recording_problem(self) -> StorageUnavailable | None:
        """Why no action can be recorded now (the database cannot take writes), or None."""
        return recording_problem(self._store)

    # --- the question ----------------------------------------------------------------------

    async def ask(
        self,
        *,
        spec: CommandSpec,
        arguments: Mapping[str, Any],
        message: Message,
        prompt: str,
        shown: str | None = None,
    ) -> Reply:
        """Store the question for a validated action (`prompt`, masked: approvers and the
        channel read it) and return it (with Confirm / Cancel), the requester reading `shown`
        (the whole prompt for roles that may see personal data; default `prompt`).

        Raises StorageUnavailable when the question cannot be stored: nothing was asked."""
        ledger = self.ledger
        if ledger is None:
            return _refused(messages.actions_need_a_database(spec.name), Outcome.ERROR)
        pending, text = await store_question(
            ledger, spec, arguments, message, prompt, ttl=self._confirm_ttl, shown=shown
        )
        return Reply(
            outcome=Outcome.PENDING,
            text=text,
            confirmation=Confirmation(
                token=pending.token,
                prompt=text,
                expires_at=pending.expires_at.isoformat(),
                allow_yes=spec.allow_yes,
            ),
            buttons=[
                Button(label="Confirm", action="confirm", value=pending.token, style="primary"),
                Button(label="Cancel", action="cancel", value=pending.token),
            ],
        )

    async def retry_question(
        self,
        *,
        spec: CommandSpec,
        arguments: Mapping[str, Any],
        message: Message,
        request_id: str,
        failed: Reply,
        retry: bool = True,
    ) -> Reply:
        """A failed action's answer, with Retry (the same key; unless `retry` is False, when the
        service refused and would refuse again) and Escalate (the failed run `request_id`)."""
        ledger = self.ledger
        retry = retry and ledger is not None
        buttons = []
        steps = ""
        if ledger is not None and retry:
            try:
                question, _ = await store_question(
                    ledger, spec, arguments, message, f"Retry /{spec.name}?", ttl=self._confirm_ttl
                )
                buttons.append(Button(label="Retry", action="confirm", value=question.token))
            except StorageUnavailable as exc:
                log.warning("could not store the Retry question of /%s: %s", spec.name, exc)
                retry, steps = False, messages.retry_not_offered() + "\n"
        buttons.append(Button(label="Escalate to engineering", action="escalate", value=request_id))
        steps += messages.action_failed_next_steps(request_id, retry=retry)
        return failed.model_copy(
            update={
                "text": f"{failed.text}\n{steps}" if failed.text else steps,
                "buttons": [*failed.buttons, *buttons],
            }
        )

    # --- the requester's answer ------------------------------------------------------------

    async def confirm(
        self, token: str, user: User, *, adapter: str = "terminal", channel: str | None = None
    ) -> Reply:
        """The requester said yes: the action runs once (or waits for its approver)."""
        d = _Decision(user, adapter, channel, "confirm")
        decided = await self._deciding(d, token, self._confirmed(token, d))
        if isinstance(decided, Reply):
            return decided
        return await self._run(decided, user, adapter=adapter, channel=channel)

    async def _confirmed(self, token: str, d: _Decision) -> PendingAction | Reply:
        """The question to run now that its requester confirmed it; or the answer (sent for
        approval, refused, lost the race)."""
        user = d.user
        pending = await self._requesters(token, d)
        if isinstance(pending, Reply):
            return pending
        ledger = self.ledger
        assert ledger is not None
        to_state = "awaiting_approval" if pending.approval_role else "confirmed"
        won = await ledger.decide(
            token, from_state="pending", to_state=to_state, user_id=user.id, decided_by=user.display
        )
        if not won:
            return await self._explain(token, d)
        if pending.approval_role:
            return await self._audited(
                pending,
                d,
                text=messages.sent_for_approval(
                    pending.command, pending.approval_role, token, buttons=d.adapter == "slack"
                ),
                outcome=Outcome.PENDING,
                buttons=[
                    Button(
                        label="Approve",
                        action="approve",
                        value=token,
                        style="primary",
                        requester_only=False,
                    ),
                    Button(label="Reject", action="reject", value=token, requester_only=False),
                ],
            )
        return pending

    async def cancel(
        self, token: str, user: User, *, adapter: str = "terminal", channel: str | None = None
    ) -> Reply:
        """The requester said no (also while an approval is pending)."""
        d = _Decision(user, adapter, channel, "cancel")
        return await self._deciding(d, token, self._cancelled(token, d))

    async def _cancelled(self, token: str, d: _Decision) -> Reply:
        user = d.user
        pending = await self._requesters(token, d)
        if isinstance(pending, Reply):
            return pending
        ledger = self.ledger
        assert ledger is not None
        for state in ("pending", "awaiting_approval"):
            if await ledger.decide(
                token, from_state=state, to_state="cancelled", decided_by=user.display
            ):
                text = messages.cancelled(pending.command)
                return await self._audited(pending, d, text=text, outcome=Outcome.CANCELLED)
        return await self._explain(token, d)

    async def _requesters(self, token: str, d: _Decision) -> PendingAction | Reply:
        """The question behind `token` if `d.user` asked it; else the (audited) refusal."""
        ledger = self.ledger
        pending = await ledger.get_pending(token) if ledger is not None else None
        if pending is None:
            return await self._audited(None, d, token)
        if not pending.asked_by(d.user.id):
            text = messages.confirmation_not_yours(pending.command)
            return await self._audited(pending, d, text=text)
        return pending

    # --- the approver's answer -------------------------------------------------------------

    async def approve(
        self,
        token: str,
        approver: User,
        *,
        adapter: str = "terminal",
        channel: str | None = None,
        record: bool = True,
    ) -> Reply:
        """A member of the approving role said yes: the action runs once, as its requester.

        `record=False` when the caller is itself audited (the /approve command).
        """
        d = _Decision(approver, adapter, channel, "approve", record)
        checked = await self._deciding(d, token, self._approver_decides(token, d, "approved"))
        if isinstance(checked, Reply):
            return checked
        reply = await self._run(
            checked,
            requester_of(checked),
            adapter=checked.adapter,
            channel=checked.channel,
            approved_by=approver.display,
        )
        await self._tell_requester(checked, approver, "approved", reply)
        return reply

    async def reject(
        self,
        token: str,
        approver: User,
        *,
        adapter: str = "terminal",
        channel: str | None = None,
        record: bool = True,
        reason: str | None = None,
    ) -> Reply:
        """A member of the approving role said no: nothing happens; `reason` (if given) is kept
        for the requester. `record` as for approve."""
        d = _Decision(approver, adapter, channel, "reject", record)
        deciding = self._approver_decides(token, d, "rejected", reason or None)
        checked = await self._deciding(d, token, deciding)
        if isinstance(checked, Reply):
            return checked
        text = messages.rejected(checked.command, checked.user_name, approver.display, reason)
        reply = await self._audited(checked, d, text=text, outcome=Outcome.OK)
        decided = replace(checked, state="rejected", decision_reason=reason or None)
        await self._tell_requester(decided, approver, "rejected", reply)
        return reply

    async def _deciding(self, d: _Decision, token: str, decision: Awaitable[T]) -> T | Reply:
        """`await decision` within the decision's time; when the database cannot record it,
        the answer that says so (audited: the audit row spools)."""
        with decision_deadline(self._decision_timeout_s):
            try:
                return await decision
            except StorageUnavailable as exc:
                return await self._audited(None, d, token, reply=unrecorded_decision(d.name, exc))

    async def _tell_requester(
        self, pending: PendingAction, approver: User, decision: str, reply: Reply
    ) -> None:
        """Let the person who asked know what the approver decided (when an adapter can)."""
        notify = self._requester_notifier
        if notify is None or pending.asked_by(approver.id):
            return
        try:
            await notify(pending, approver, decision, reply)
        except Exception:
            log.exception(
                "could not tell %s that /%s was %s", pending.user_id, pending.command, decision
            )

    async def _never_started(self, pending: PendingAction) -> bool:
        return self.ledger is not None and await never_started(self.ledger, pending)

    async def waiting_for_approval(self) -> list[PendingAction]:
        """Requests that wait for an approver, oldest first."""
        return await self.ledger.awaiting_approval() if self.ledger is not None else []

    async def _approver_decides(
        self, token: str, d: _Decision, to_state: str, reason: str | None = None
    ) -> PendingAction | Reply:
        """The request, moved from awaiting approval to `to_state` by this approver; or the
        answer saying why not (not theirs to decide, expired, someone decided first)."""
        checked = await self._check_approver(token, d)
        if isinstance(checked, Reply):
            return checked
        ledger = self.ledger
        assert ledger is not None
        if checked.state == "approved":  # approved before, never started: run it now
            return checked
        won = await ledger.decide(
            token,
            from_state="awaiting_approval",
            to_state=to_state,
            decided_by=d.user.display,
            reason=reason,
        )
        return checked if won else await self._explain(token, d)

    async def _check_approver(self, token: str, d: _Decision) -> PendingAction | Reply:
        ledger = self.ledger
        pending = await ledger.get_pending(token) if ledger is not None else None
        if pending is None:
            return await self._audited(None, d, token)
        role, requester = pending.approval_role, pending.asked_by(d.user.id)
        if role is not None and not requester and role not in self._roles_of(d.user):
            # Before the state: someone outside the role learns nothing of a decided request.
            text = messages.approver_lacks_role(pending.command, role)
            return await self._audited(pending, d, text=text, outcome=Outcome.DENIED)
        if pending.state == "approved" and d.name == "approve":
            if await self._never_started(pending):
                return pending  # the process that approved it stopped first: carry it out now
            return await self._explain(token, d)  # "already done at 14:02 by ani, approved by"
        if pending.state != "awaiting_approval" or role is None:
            text = messages.nothing_to_approve(pending.command, pending.state)
            return await self._audited(pending, d, text=text)
        if requester and d.name == "approve":
            text = messages.approver_is_requester(pending.command)
            return await self._audited(pending, d, text=text, outcome=Outcome.DENIED)
        if role not in self._roles_of(d.user):  # the requester rejecting their own request
            text = messages.approver_lacks_role(pending.command, role)
            return await self._audited(pending, d, text=text, outcome=Outcome.DENIED)
        if pending.expired:
            text = messages.confirmation_expired(pending.command)
            return await self._audited(pending, d, text=text)
        return pending

    async def escalate(self, request_id: str, by: User) -> Reply:
        """Hand a failed command run to engineering (see `supportbot.actions.escalation`);
        while the database cannot be read, the answer says so and nothing is sent."""
        with decision_deadline(self._decision_timeout_s):
            try:
                return await escalate(self._store, self._escalation_sink, request_id, by)
            except StorageUnavailable as exc:
                return unescalated(request_id, exc)

    # --- running and refusing --------------------------------------------------------------

    async def _run(
        self,
        pending: PendingAction,
        user: User,
        *,
        adapter: str,
        channel: str | None,
        approved_by: str | None = None,
    ) -> Reply:
        """Hand the decided action to the dispatcher: it runs once, as `user`, from where they
        decided."""
        message = Message(text=pending.text, user=user, adapter=adapter, channel=channel)
        run = ConfirmedRun(
            message=message,
            token=pending.token,
            idempotency_key=pending.idempotency_key,
            approved_by=approved_by,
        )
        return await self._run_confirmed(run)

    async def _explain(self, token: str, d: _Decision) -> Reply:
        """Why a decision that lost its race (or came too late) did nothing."""
        ledger = self.ledger
        pending = await ledger.get_pending(token) if ledger is not None else None
        if ledger is None or pending is None:
            return await self._audited(None, d, token)
        text: str
        if pending.state in ("confirmed", "approved"):
            run = await ledger.get_run(pending.idempotency_key)
            if run is not None:
                reply = already_done_reply(run)
                return await self._audited(pending, d, reply=reply)
            if pending.state == "approved" and await self._never_started(pending):
                text = messages.approved_never_started(
                    pending.command, pending.decided_at or pending.created_at, pending.decided_by
                )
                return await self._audited(pending, d, text=text, outcome=Outcome.REJECTED)
            text = messages.still_running(pending.command, pending.created_at, pending.user_name)
            outcome = Outcome.PENDING
            return await self._audited(pending, d, text=text, outcome=outcome)
        if pending.state == "awaiting_approval":
            assert pending.approval_role is not None
            text = messages.awaiting_approval(
                pending.command, pending.approval_role, pending.decided_at or pending.created_at
            )
            return await self._audited(pending, d, text=text, outcome=Outcome.PENDING)
        if pending.state in ("cancelled", "rejected"):
            text = messages.already_decided(pending.command, pending.state)
        elif pending.expired:
            text = messages.confirmation_expired(pending.command)
        else:
            text = messages.confirmation_unknown()
        return await self._audited(pending, d, text=text)

    async def _audited(
        self,
        pending: PendingAction | None,
        d: _Decision,
        token: str | None = None,
        *,
        text: str | None = None,
        outcome: Outcome = Outcome.REJECTED,
        buttons: list[Button] | None = None,
        reply: Reply | None = None,
    ) -> Reply:
        """The answer to a decision that ran nothing, written to the audit trail first."""
        if reply is None:
            reply = Reply(
                outcome=outcome,
                text=text or messages.confirmation_unknown(),
                buttons=buttons or [],
            )
        shown = pending.token if pending is not None else (token or "")
        store = self._store
        if store is not None and d.record:
            entry = AuditEntry(
                request_id=new_request_id(),
                user_id=d.user.id,
                user_name=d.user.display,
                adapter=d.adapter,
                channel=d.channel,
                command=pending.command if pending is not None else None,
                arguments=f"{d.name} {shown[:12]}",
                outcome=reply.outcome.value,
                duration_ms=0.0,
            )
            try:
                await store.audit.record(entry)
            except Exception:
                log.exception("could not audit the %s of %s", d.name, shown[:12])
        return reply
