"""Where an incoming contact's card goes in Slack: the `[record] incoming_channel`, masked (a
channel is visible to many). Lent to the incoming-calls webhook, which lives in `web/`.

The card keeps its forms' buttons (Add note and Tag on the contact just opened, Save this
number for a number that matched nothing), for whoever takes the call; their state is stored
as any reply's is (`ReplyPreparer`). Other buttons and pick-lists are the requester's, and a
webhook has none, so they are left out."""

from __future__ import annotations

import logging

from supportbot.core.masking import mask_reply
from supportbot.core.message import User
from supportbot.core.reply import FORM_ACTION, Reply
from supportbot.core.settings import Settings
from supportbot.record.settings import record_settings

from ._blocks import SlackMessage, render_reply
from ._outbox import Outbox
from ._prepare import ReplyPreparer

__all__ = ["SlackCardPoster"]

log = logging.getLogger("supportbot.calls")


class SlackCardPoster:
    """Posts each incoming contact's card to the configured channel (the log without one)."""

    def __init__(
        self, outbox: Outbox, settings: Settings, replies: ReplyPreparer, poster: User
    ) -> None:
        self.outbox = outbox
        self.channel = record_settings(settings).incoming_channel
        self.region = settings.phone_region
        self.replies = replies
        #: Who the card's stored state says posted it (the bot): nobody's buttons but forms'.
        self.poster = poster

    async def __call__(self, card: Reply) -> None:
        """Post the card, personal data masked, with its forms' buttons only."""
        forms = [b for b in card.buttons if b.action.startswith(FORM_ACTION)]
        shown = mask_reply(card, self.region).model_copy(update={"buttons": forms})
        if self.channel is None:
            log.info("incoming contact (no incoming_channel set): %s", shown.title or shown.text)
            return
        if await self.outbox.post(self.channel, await self._render(shown)) is None:
            log.error("could not post the incoming contact's card to %s", self.channel)

    async def _render(self, shown: Reply) -> SlackMessage:
        if not shown.buttons or shown.choices:
            return render_reply(shown.model_copy(update={"buttons": []}))
        return await self.replies.prepare(
            shown,
            user=self.poster,
            channel=self.channel,
            command="/log",
            public=True,
            shareable_=False,
        )
