"""Where an incoming contact's card goes in Slack: the `[record] incoming_channel`, masked (a
channel is visible to many). Lent to the incoming-calls webhook, which lives in `web/`."""

from __future__ import annotations

import logging

from supportbot.core.masking import mask_reply
from supportbot.core.reply import Reply
from supportbot.core.settings import Settings
from supportbot.record.settings import record_settings

from ._blocks import render_reply
from ._outbox import Outbox

__all__ = ["SlackCardPoster"]

log = logging.getLogger("supportbot.calls")


class SlackCardPoster:
    """Posts each incoming contact's card to the configured channel (the log without one)."""

    def __init__(self, outbox: Outbox, settings: Settings) -> None:
        self.outbox = outbox
        self.channel = record_settings(settings).incoming_channel
        self.region = settings.phone_region

    async def __call__(self, card: Reply) -> None:
        """Post the card, personal data masked, buttons kept out (nobody asked for them)."""
        shown = mask_reply(card, self.region).model_copy(update={"buttons": []})
        if self.channel is None:
            log.info("incoming contact (no incoming_channel set): %s", shown.title or shown.text)
            return
        if await self.outbox.post(self.channel, render_reply(shown)) is None:
            log.error("could not post the incoming contact's card to %s", self.channel)
