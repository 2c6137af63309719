"""Early-warning alerts posted to the ops channel (`ops_channel`) through the adapter's Web API.

The core's `ErrorRateMonitor` decides when to alert; this only delivers. A post that fails is
written to the log instead, so an alert is never lost silently.
"""

from __future__ import annotations

from .._alerts import Alert, LogNotifier
from .._reply import Reply
from ._blocks import render_reply
from ._outbox import Outbox

__all__ = ["SlackAlertNotifier"]


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
