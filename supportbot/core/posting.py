"""Posting to a channel, outside any reply: what an adapter lends the core for early warnings
and the daily share (`Outlets.poster`).

The core decides what to post and when; the adapter delivers. `post` gives back the message's id
(Slack: its `ts`) so that the core can store it and later `update` the same message instead of
posting again. A `mention` (Slack syntax, checked by the settings) is put in front unescaped:
the reply's own text is always escaped, so what a user typed can never mention anyone.
"""

from __future__ import annotations

from typing import Protocol

from .reply import Reply

__all__ = ["ChannelPoster"]


class ChannelPoster(Protocol):
    """Posts a `Reply` to a channel and edits it later."""

    async def post(self, channel: str, reply: Reply, *, mention: str = "") -> str | None:
        """Post `reply` to `channel`; the new message's id, or None when it did not go out."""
        ...

    async def update(self, channel: str, ts: str, reply: Reply, *, mention: str = "") -> bool:
        """Replace message `ts` in `channel` with `reply`; True when the channel took it."""
        ...
