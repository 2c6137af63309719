"""The Slack side of `ChannelPoster`: early warnings and the daily share, posted with
chat.postMessage and edited with chat.update (so a warning's count grows on one message).

The mention (a user group, @here, or a person) comes from the settings, which checked its shape;
it goes in front of the message unescaped, and is the only unescaped text: the reply's own text
(what a user typed) is escaped as always, so a `<!channel>` typed into /warn stays text.
"""

from __future__ import annotations

from supportbot.core.reply import Reply

from ._blocks import SlackMessage, render_reply
from ._layout import section_block
from ._outbox import Outbox

__all__ = ["SlackChannelPoster"]


def _with_mention(message: SlackMessage, mention: str) -> SlackMessage:
    if not mention:
        return message
    return SlackMessage(
        text=f"{mention} {message.text}", blocks=[section_block(mention), *message.blocks]
    )


class SlackChannelPoster:
    """Posts replies to channels through the connection's outbox."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    async def post(self, channel: str, reply: Reply, *, mention: str = "") -> str | None:
        """chat.postMessage; the message's ts, or None when Slack did not take it."""
        return await self.outbox.post(channel, _with_mention(render_reply(reply), mention))

    async def update(self, channel: str, ts: str, reply: Reply, *, mention: str = "") -> bool:
        """chat.update of message `ts`; True when Slack took it."""
        return await self.outbox.update(channel, ts, _with_mention(render_reply(reply), mention))
