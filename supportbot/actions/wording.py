"""The sentences of declared actions: confirmations, approvals, exactly-once runs, retries and
escalation.
"""

from __future__ import annotations

from datetime import UTC, datetime

# --- confirmations ---------------------------------------------------------------------------


def confirmation_unknown() -> str:
    """A confirm/cancel for something we have no record of (already used, or never existed)."""
    return (
        "That confirmation is no longer open (it was already used or cancelled). Nothing was done."
    )


def confirmation_not_yours(command: str) -> str:
    """Someone clicked another person's confirm button."""
    return f"Only the person who asked for /{command} can confirm or cancel it. Nothing was done."


def confirmation_expired(command: str) -> str:
    """The confirmation came too late."""
    return (
        f"This /{command} request expired before it was confirmed. Nothing was done; run it again."
    )


def cancelled(command: str) -> str:
    """The user said no."""
    return f"Cancelled /{command}. Nothing was changed."


# --- actions: approval, exactly once, retries, escalation ------------------------------------


def _at(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%H:%M UTC on %Y-%m-%d")


def actions_need_a_database(command: str) -> str:
    """An action on a bot started without its database."""
    return (
        f"/{command} changes something, and actions need the bot's database (for the "
        "confirmation, the exactly-once record and the audit trail). This bot runs without one, "
        "so nothing was done."
    )


def approval_needed_after_confirm(role: str) -> str:
    """Added to the question of an action that needs a second person."""
    return f"After you confirm, a member of the {role} role must approve it before it runs."


def sent_for_approval(command: str, role: str, token: str, *, buttons: bool) -> str:
    """The requester confirmed an action that needs approval; `buttons` when the reply shows
    Approve and Reject (a chat), not in a terminal."""
    how = "with the Approve button or " if buttons else "with "
    return (
        f"Sent /{command} for approval: a member of the {role} role must approve it before it "
        f"runs. Nothing has changed yet. They approve it {how}`/approve {token}` "
        f"(or turn it down with `/reject {token} <reason>`); you are told what they decide."
    )


def awaiting_approval(command: str, role: str, since: datetime) -> str:
    """A confirm or retry of an action that already waits for its approver."""
    return (
        f"/{command} is waiting for approval by the {role} role (asked at {_at(since)}). "
        "Nothing has changed yet."
    )


def approver_is_requester(command: str) -> str:
    """The two-person rule."""
    return (
        f"You asked for this /{command}, so you cannot approve it yourself: another member of "
        "the approving role must. Nothing was done."
    )


def approver_lacks_role(command: str, role: str) -> str:
    """Someone outside the approving role tried to approve or reject."""
    return (
        f"Only a member of the {role} role can approve or reject this /{command}. Nothing was done."
    )


def nothing_to_approve(command: str, state: str) -> str:
    """An approve or reject of a request that is not waiting for one."""
    words = {
        "pending": "has not been confirmed by its requester yet",
        "approved": "was already approved",
        "rejected": "was already rejected",
        "cancelled": "was cancelled by its requester",
        "confirmed": "did not need approval",
    }
    return f"This /{command} request {words.get(state, 'is not waiting for approval')}."


def rejected(command: str, requester: str, by: str, reason: str | None = None) -> str:
    """An approver turned an action down, with their reason if they gave one."""
    why = f" Reason: {reason}" if reason else ""
    return f"{by} turned down /{command} for {requester}. Nothing was changed.{why}"


def already_decided(command: str, state: str) -> str:
    """A confirmation that was cancelled or rejected before this click."""
    if state == "rejected":
        return f"This /{command} request was turned down by its approver. Nothing was done."
    return f"This /{command} request was cancelled. Nothing was done."


def already_done(command: str, when: datetime, by: str, approved_by: str | None) -> str:
    """A second click, a retry or a second replica: the action ran once already."""
    approval = f", approved by {approved_by}" if approved_by else ""
    return f"Already done at {_at(when)} by {by}{approval}; it was not done again. The result:"


def still_running(command: str, when: datetime, by: str) -> str:
    """The action is being carried out right now by another click or replica."""
    return (
        f"/{command} is already being carried out (started at {_at(when)} by {by}); it will "
        "not be done twice. Its answer follows there."
    )


def approved_never_started(command: str, when: datetime, by: str | None) -> str:
    """An approval whose run never began (the approving process stopped first)."""
    who = f" by {by}" if by else ""
    return (
        f"/{command} was approved at {_at(when)}{who} but never carried out: the bot stopped "
        "before it started. Nothing was done. An approver can approve it again to carry it out "
        "(once)."
    )


def previous_run_failed(command: str, when: datetime, by: str) -> str:
    """A confirm for a key whose run failed: offer the retry."""
    return (
        f"This /{command} failed at {_at(when)} ({by}). Run it again to retry: the retry reuses "
        "the same request id, so it cannot happen twice."
    )


def retry_note_unknown(when: datetime, by: str) -> str:
    """The question of a retry after the bot stopped in the middle of the same action."""
    return (
        f"⚠ The same action was started at {_at(when)} by {by}, and its outcome is unknown: the "
        "bot stopped while it ran. Confirming retries it with the same request id, so if it did "
        "happen it will not happen twice."
    )


def retry_note_failed(when: datetime, by: str) -> str:
    """The question of a retry of an action that failed."""
    return (
        f"The same action failed at {_at(when)} ({by}). Confirming retries it with the same "
        "request id, so it cannot happen twice."
    )


def retry_note_running(when: datetime, by: str) -> str:
    """The question of an action that is running right now."""
    return (
        f"⚠ The same action is running right now (started at {_at(when)} by {by}); confirming "
        "will not do it a second time."
    )


def done_before_note(when: datetime, by: str) -> str:
    """The question of an action that was already done recently: a deliberate repeat?"""
    return f"Note: the same action was already done at {_at(when)} by {by}."


def action_failed_next_steps(request_id: str, *, retry: bool = True) -> str:
    """Under a failed action: what the person can do now."""
    if not retry:
        return f"If this looks wrong, escalate it to engineering (`/escalate {request_id}`)."
    return (
        "Retry uses the same request id, so it cannot happen twice. If it keeps failing, "
        f"escalate it to engineering (`/escalate {request_id}`)."
    )


def action_refused(service: str, what: str, reason: str, *, sent: bool) -> str:
    """An action's call that certainly did nothing: refused by the service, or never sent."""
    if sent:
        return f"The {service} service refused {what}: {reason}. Nothing was changed."
    return f"{what[:1].upper()}{what[1:]} did not happen: {reason}. Nothing was changed."


def action_unconfirmed(service: str, what: str, reason: str) -> str:
    """An action's call that may have done it: retry before telling the customer."""
    return (
        f"{what[:1].upper()}{what[1:]} may or may not have happened: the {service} service did "
        f"not confirm it ({reason}). Retry (it cannot happen twice) before telling the customer."
    )


def your_request_decided(
    command: str, approver: str, decision: str, reason: str | None = None
) -> str:
    """To the requester: their request was approved (and ran) or turned down (and why)."""
    if decision == "approved":
        return f"{approver} approved your /{command}. It ran once; the answer:"
    why = f" Reason: {reason}" if reason else ""
    return f"{approver} turned down your /{command}. Nothing was changed.{why}"


def yes_not_allowed() -> str:
    """`exec --yes` on an action that insists on a typed answer."""
    return "This action must be confirmed by a person: --yes does not answer it. Type y to go on."


def escalation_unknown(request_id: str) -> str:
    """/escalate of a reference we have no record of."""
    return (
        f"There is no command run with the reference {request_id}. Copy the reference from the "
        "failed answer (12 letters and digits) and try again."
    )


def escalation_delivered(destination: str) -> str:
    """The escalation went out."""
    return f"Escalated to engineering in {destination}, with the command, its error and who ran it."


def escalation_logged() -> str:
    """No engineering channel: the escalation is recorded and logged."""
    return (
        "No engineering channel is set up, so this escalation went to the bot's log and the "
        "escalations table; it is printed below. Send it to engineering."
    )


def escalation_already_sent(destination: str, at: datetime, by: str) -> str:
    """An escalation of a run that reached engineering before: it is not sent twice."""
    return (
        f"This was escalated to engineering in {destination} already, at {_at(at)} by {by}; it "
        "is not sent again. Follow up there."
    )


# --- the database cannot record ----------------------------------------------------------------


def could_not_record(command: str) -> str:
    """An action whose question or intent the bot's database could not take: nothing ran."""
    return (
        f"Could not record /{command}, so nothing was done: the bot's database cannot take it "
        "right now. Try again in a minute; if it keeps failing, tell whoever runs the bot "
        "(/status names the problem)."
    )


def could_not_record_decision(decision: str) -> str:
    """A click (confirm, cancel, approve, reject) the bot's database could not record."""
    return (
        f"Could not record your {decision}, so nothing was done: the bot's database cannot take "
        "it right now. Try again in a minute (the request stays open until it expires); if it "
        "keeps failing, tell whoever runs the bot (/status names the problem)."
    )


def could_not_escalate(request_id: str) -> str:
    """An escalation whose run the bot's database could not read: nothing was sent."""
    return (
        f"Could not escalate {request_id}, so nothing was sent: the bot's database, which holds "
        "what that run did, cannot be read right now. Try again in a minute; if it keeps "
        "failing, tell whoever runs the bot (/status names the problem)."
    )


def retry_not_offered() -> str:
    """A failed action whose Retry question the bot's database could not store."""
    return (
        "Retry is not offered: the bot's database cannot record a new question right now. "
        "Run the command again in a minute."
    )
