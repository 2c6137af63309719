"""A Reply made ready for Slack: command names as typed there, masked for its audience, and
the state its buttons need stored on the server (a button's value is only an id).
"""

from __future__ import annotations

import logging

from supportbot.core.masking import mask_text
from supportbot.core.message import User
from supportbot.core.reply import FORM_ACTION, Outcome, Reply
from supportbot.core.settings import Settings
from supportbot.dispatch.middleware.recover import FAILED_OUTCOMES

from ._audience import for_audience
from ._blocks import Interactive, SlackMessage, render_reply
from ._interactions import (
    Interaction,
    InteractionStore,
    MemoryInteractions,
    StoredButton,
    is_interaction_id,
    new_interaction_id,
)
from ._names import SlackNames
from ._settings import slack_settings
from ._share import shareable

__all__ = ["ReplyPreparer"]

log = logging.getLogger("supportbot.slack")


class ReplyPreparer:
    """Renders replies for one adapter and keeps their buttons' state."""

    def __init__(
        self, settings: Settings, names: SlackNames, interactions: InteractionStore
    ) -> None:
        self.settings = settings
        self.names = names
        self.interactions = interactions
        self._fallback_interactions = MemoryInteractions()

    async def prepare(
        self,
        reply: Reply,
        *,
        user: User,
        channel: str | None,
        command: str,
        public: bool,
        shareable_: bool = True,
        thread_ts: str | None = None,
    ) -> SlackMessage:
        """Render `reply`, storing what its buttons need (their values are only an id).

        What a channel can see (`public`), and whatever a guest sees, is masked first.
        """
        region = self.settings.phone_region
        reply = self.names.reply(reply)
        if public or user.guest:
            reply = for_audience(reply, region)
        share = shareable_ and not public and reply.outcome is Outcome.OK and not reply.choices
        # A card's own buttons (Add note, Tag: forms) leave it shareable; a question's do not.
        asks = [b for b in reply.buttons if not b.action.startswith(FORM_ACTION)]
        share = share and not asks and bool(reply.sections or reply.text)
        core_escalate = any(button.action == "escalate" for button in reply.buttons)
        # A failed run (it carries its reference) gets Escalate when there is a channel for it.
        escalate = bool(slack_settings(self.settings).engineering_channel) and (
            core_escalate or (reply.outcome in FAILED_OUTCOMES and reply.error_ref is not None)
        )
        if not (share or escalate or reply.choices or reply.buttons):
            return render_reply(reply)
        masked_reply = shareable(reply, region=region, shared_by=user.display)
        interaction = Interaction(
            id=new_interaction_id(),
            requester=user.id,
            requester_name=user.display,
            channel=channel,
            command=mask_text(command, region),
            choices=tuple(choice.command for choice in reply.choices),
            buttons=tuple(
                StoredButton(action=b.action, value=b.value, requester_only=b.requester_only)
                for b in reply.buttons
            ),
            shared=masked_reply.model_dump(mode="json") if share else None,
            escalation={"request_id": reply.error_ref} if escalate and reply.error_ref else None,
            thread_ts=thread_ts,
        )
        await self.save_interaction(interaction)
        return render_reply(
            reply,
            Interactive(interaction.id, share=share, escalate=escalate and not core_escalate),
        )

    async def save_interaction(self, interaction: Interaction) -> None:
        """Store an interaction; in this process only if the database fails, so buttons work."""
        try:
            await self.interactions.save(interaction)
        except Exception:
            log.exception("could not store the buttons' state; keeping it in memory")
            await self._fallback_interactions.save(interaction)

    async def load_interaction(self, interaction_id: str) -> Interaction | None:
        """The stored interaction, or None when it is unknown, expired or unreadable.

        The id comes from a click anyone could forge: one that is not an id we make (a NUL,
        which PostgreSQL refuses; odd Unicode) is simply not found.
        """
        if not is_interaction_id(interaction_id):
            return None
        found = await self._fallback_interactions.load(interaction_id)
        if found is not None:
            return found
        try:
            return await self.interactions.load(interaction_id)
        except Exception as exc:  # the store failing on it: the button is as good as expired
            log.warning("could not load a button's state: %s", type(exc).__name__)
            return None
