"""What the Slack adapter lends the core to reach people outside a reply (`Outlets`):
early-warning alerts to `ops_channel`, low CSAT ratings to `[kpi] leads_channel`, escalations
to `slack_engineering_channel`, and the note to a requester whose request an approver decided.

The core decides what and when; this only delivers. A post that fails is logged (by the outbox;
an alert also falls back to the log itself), so nothing is lost silently.
"""

from __future__ import annotations

from supportbot.actions import wording as action_messages
from supportbot.core.masking import mask_reply
from supportbot.core.message import User
from supportbot.core.outlets import LogLeadsOutlet
from supportbot.core.reply import Outcome, Reply
from supportbot.services.alerts import Alert, LogNotifier
from supportbot.storage import PendingAction

from . import wording as messages
from ._blocks import render_reply
from ._outbox import Outbox

__all__ = [
    "SlackAlertNotifier",
    "SlackEscalationSink",
    "SlackLeadsOutlet",
    "SlackRequesterNotifier",
]


class SlackAlertNotifier:
    """Posts each alert to one channel; falls back to the log when Slack does not take it."""

    def __init__(self, outbox: Outbox, channel: str) -> None:
        self.outbox = outbox
        self.channel = channel
        self._fallback = LogNotifier()

    async def send(self, alert: Alert) -> None:
        """Post the alert's text to the channel (the log gets it too when the post fails)."""
        posted = await self.outbox.post(self.channel, render_reply(Reply(text=alert.text)))
        if posted is None:
            await self._fallback.send(alert)


class SlackLeadsOutlet:
    """Posts what the leads must know (a low CSAT rating) to `[kpi] leads_channel`; the log
    gets it when Slack does not take it."""

    def __init__(self, outbox: Outbox, channel: str) -> None:
        self.outbox = outbox
        self.channel = channel
        self._fallback = LogLeadsOutlet()

    async def post(self, text: str) -> None:
        """Post `text` to the leads' channel (or log it when the post fails)."""
        if await self.outbox.post(self.channel, render_reply(Reply(text=text))) is None:
            await self._fallback.post(text)


class SlackEscalationSink:
    """Posts escalation reports (the Escalate button, `/escalate`) to the engineering channel."""

    def __init__(self, outbox: Outbox, channel: str) -> None:
        self.outbox = outbox
        self.destination = channel

    async def deliver(self, report: Reply) -> bool:
        """Post the report; True when Slack took it."""
        return await self.outbox.post(self.destination, render_reply(report)) is not None

    def undelivered(self, report: Reply) -> Reply:
        """The report, saying the post failed, how to fix that, and that it may be sent again."""
        text = messages.slack_escalation_failed(self.destination)
        return report.model_copy(update={"text": text, "outcome": Outcome.ERROR})


class SlackRequesterNotifier:
    """Tells a requester, by DM, what an approver decided about their request."""

    def __init__(self, outbox: Outbox, region: str) -> None:
        self.outbox = outbox
        self.region = region

    async def __call__(
        self, pending: PendingAction, approver: User, decision: str, reply: Reply
    ) -> None:
        """A DM to the requester (the app's DM: a user id is a channel for chat.postMessage):
        the decision and, for an approval, the action's answer, personal data masked."""
        if pending.adapter != "slack" or not pending.user_id:
            return
        note = action_messages.your_request_decided(
            pending.command, approver.display, decision, pending.decision_reason
        )
        # An approval carries the action's answer; a refusal is all in the note.
        text = f"{note}\n{reply.text}" if reply.text and decision == "approved" else note
        told = reply.model_copy(update={"text": text, "buttons": []})
        await self.outbox.post(pending.user_id, render_reply(mask_reply(told, self.region)))
