"""The progress of a long run in Slack: one message in the channel the run started from, posted
at the first step and edited in place at every later one (never a message per step)."""

from __future__ import annotations

from supportbot.core.message import Message
from supportbot.core.progress import ProgressUpdate

from ._blocks import SlackMessage
from ._outbox import Outbox

__all__ = ["SlackProgress"]


class SlackProgress:
    """A `ProgressOutlet`: posts `[████░░] 20/50 Notifying ...`, then edits it."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self._posted: dict[str, tuple[str, str]] = {}  # run id -> (channel, ts)

    async def __call__(self, message: Message, update: ProgressUpdate) -> None:
        """Show one step of the run that `message` started (nothing outside a Slack channel)."""
        if message.adapter != "slack" or not message.channel:
            return
        shown = SlackMessage(text=update.text)
        where = self._posted.get(update.run_id)
        if where is None:
            ts = await self.outbox.post(message.channel, shown)
            if ts is not None and not update.finished:
                self._posted[update.run_id] = (message.channel, ts)
            return
        await self.outbox.update(*where, shown)
        if update.finished:
            self._posted.pop(update.run_id, None)
