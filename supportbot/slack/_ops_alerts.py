"""Posts of the core to fixed channels: early-warning alerts to `ops_channel`, escalations
(`/escalate`) to `slack_engineering_channel`.

The core decides what and when; this only delivers. A post that fails falls back to the log, so
nothing is lost silently.
"""

from __future__ import annotations

from supportbot.actions.escalation import EscalationSink
from supportbot.core.reply import Reply
from supportbot.services.alerts import Alert, LogNotifier

from ._blocks import render_reply
from ._outbox import Outbox

__all__ = ["SlackAlertNotifier", "SlackEscalationSink"]


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


class SlackEscalationSink(EscalationSink):
    """Posts `/escalate` reports to the engineering channel."""

    def __init__(self, outbox: Outbox, channel: str) -> None:
        self.outbox = outbox
        self.destination = channel

    async def deliver(self, report: Reply) -> bool:
        """Post the report; True when Slack took it."""
        return await self.outbox.post(self.destination, render_reply(report)) is not None
