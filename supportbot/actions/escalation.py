"""Escalation: a failed command handed to engineering with everything they need.

The report names the command (masked, as the audit trail holds it), who ran it and where, how it
ended, its error reference and the services' errors, and, for an action, its idempotency key,
attempts and approver. It goes to an `EscalationSink`, handed to the bot when it is opened: the
Slack adapter's posts to `slack_engineering_channel`; without one it is logged and shown to
whoever escalated. Every escalation is recorded (table `escalations`), and a run that reached
engineering once is not sent again.

This is the one way in: the `/escalate` command, Slack's Escalate button and the terminal all
call `ActionDesk.escalate`, which calls `escalate` here.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from supportbot.core.masking import mask_text
from supportbot.core.message import User
from supportbot.core.reply import Outcome, Reply, Section
from supportbot.storage import AuditEntry, EscalationEntry, RunRecord

from . import wording as messages

if TYPE_CHECKING:
    from supportbot.storage import Store

__all__ = ["EscalationSink", "LogEscalationSink", "escalate", "escalation_report"]

log = logging.getLogger("supportbot.actions")


class EscalationSink(Protocol):
    """Where escalations go; `destination` names it to people ("C0ENG", "the bot's log")."""

    destination: str

    async def deliver(self, report: Reply) -> bool:
        """Send the report; True when it arrived."""
        ...

    def undelivered(self, report: Reply) -> Reply:
        """What the person who escalated sees when `deliver` returned False."""
        ...


class LogEscalationSink:
    """Without an engineering channel: the report goes to the log and is shown to whoever
    escalated, for them to pass on."""

    destination = "the bot's log"

    async def deliver(self, report: Reply) -> bool:
        """Log the report at ERROR, as one line per part; False: nobody was sent it."""
        lines = [report.title or "", report.text or ""]
        lines += [section.text or "" for section in report.sections]
        log.error("escalation: %s", " | ".join(line for line in lines if line))
        return False

    def undelivered(self, report: Reply) -> Reply:
        """The report itself, saying that it was only logged and recorded."""
        return report.model_copy(
            update={"text": messages.escalation_logged(), "outcome": Outcome.OK}
        )


async def escalate(store: Store | None, sink: EscalationSink, request_id: str, by: User) -> Reply:
    """Report the run `request_id` to `sink`, record it, and say what happened.

    A run that was delivered once is not sent again: the answer says where it went and when.
    """
    entry = await store.audit.get(request_id) if store is not None else None
    if store is None or entry is None:
        return Reply(outcome=Outcome.NOT_FOUND, text=messages.escalation_unknown(request_id))
    earlier = [e for e in await store.actions.escalations(request_id) if e.delivered]
    if earlier:
        first = earlier[0]
        return Reply(
            text=messages.escalation_already_sent(first.destination, first.at, first.escalated_by)
        )
    run = await store.actions.run_of_request(request_id)
    report = escalation_report(entry, run, by)
    delivered = await sink.deliver(report)
    escalation = EscalationEntry(
        request_id=request_id,
        command=entry.command,
        escalated_by=by.display,
        destination=sink.destination,
        delivered=delivered,
        summary="\n".join(s.text or "" for s in report.sections)[:4000],
        at=datetime.now(UTC),
    )
    try:
        await store.actions.record_escalation(escalation)
    except Exception:
        # What was sent stays sent; the log keeps what the table could not.
        log.exception("could not record the escalation of %s: %r", request_id, escalation)
    if delivered:
        return Reply(text=messages.escalation_delivered(sink.destination))
    return sink.undelivered(report)


def escalation_report(entry: AuditEntry, run: RunRecord | None, by: User) -> Reply:
    """What engineering reads: the command (masked), who, where, how it ended, the services."""
    where = f"{entry.adapter}" + (f" in {entry.channel}" if entry.channel else "")
    lines = [
        f"Command: /{entry.command or '?'} {entry.arguments}".rstrip(),
        f"Requested by: {entry.user_name or entry.user_id} ({entry.user_id}), {where}",
        f"When: {entry.at:%Y-%m-%d %H:%M:%S} UTC; outcome {entry.outcome}; "
        f"error reference {entry.request_id}",
        f"Escalated by: {by.display}",
    ]
    if run is not None:
        approved = f", approved by {run.approved_by}" if run.approved_by else ""
        lines.append(
            f"Action: idempotency key {run.idempotency_key}, attempt {run.attempts}, "
            f"state {run.status}{approved}"
        )
    services = ", ".join(f"{e.get('service')}: {e.get('kind')}" for e in entry.service_errors or [])
    if services:
        lines.append(f"Service errors: {services}")
    if entry.error:
        lines.append("Error: " + mask_text(entry.error.strip().splitlines()[-1][:500]))
    return Reply(
        outcome=Outcome.ERROR,
        title=f"Escalation: /{entry.command or 'command'} failed",
        sections=[Section(text=line) for line in lines],
        error_ref=entry.request_id,
    )
