"""Button clicks, routed back into the core: pick, confirm, cancel, approve, reject, share,
escalate, and a card's forms (Add note, Tag, Save this number: `_card_forms.py`).

The value of every button is the id of a stored `Interaction`; what a click does is looked up
there. Buttons are the requester's unless the reply said otherwise: anyone else gets a polite
refusal that only they see. A button that acts once does so even when clicked twice, on any
replica (the claim lives in the database).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from supportbot.actions.unrecorded import unrecorded_decision
from supportbot.core.message import Message, User
from supportbot.core.reply import FORM_ACTION, Outcome, Reply
from supportbot.storage import StorageUnavailable

from . import wording as messages
from ._blocks import (
    ACTION_BUTTON,
    ACTION_CHOICE,
    ACTION_ESCALATE,
    ACTION_SHARE,
    parse_button_value,
    render_reply,
)
from ._interactions import Interaction, StoredButton

if TYPE_CHECKING:
    from ._app import SlackAdapter

__all__ = ["ActionRunner"]

log = logging.getLogger("supportbot.slack.actions")


def _clicked_value(action: Mapping[str, Any]) -> str:
    value = action.get("value")
    if not value:
        value = (action.get("selected_option") or {}).get("value")
    return str(value or "")


class ActionRunner:
    """Carries out one click on a supportbot button for a `SlackAdapter`."""

    def __init__(self, adapter: SlackAdapter) -> None:
        self._adapter = adapter
        # The runs being escalated by a click in this process (a double click posts once).
        self._escalating: set[str] = set()

    async def run(self, body: Mapping[str, Any], action: Mapping[str, Any]) -> None:
        """Handle the click described by a `block_actions` payload and its first action."""
        action_id = str(action.get("action_id") or "")
        interaction_id, index = parse_button_value(_clicked_value(action))
        clicker: Mapping[str, Any] = body.get("user") or {}
        interaction = await self._adapter.load_interaction(interaction_id)
        if interaction is None:
            await self._tell(body, messages.slack_button_expired())
            return
        button = self._stored_button(action_id, index, interaction)
        requester_only = button.requester_only if button is not None else True
        if requester_only and clicker.get("id") != interaction.requester:
            requester = interaction.requester_name or interaction.requester
            await self._tell(body, messages.slack_not_your_button(requester))
            return
        user = await self._adapter.users.resolve(
            str(clicker.get("id")),
            fallback_name=str(clicker.get("name") or clicker.get("username") or ""),
            team=clicker.get("team_id") if isinstance(clicker.get("team_id"), str) else None,
        )
        if action_id == ACTION_SHARE:
            await self._share(body, interaction)
        elif action_id == ACTION_ESCALATE or (button is not None and button.action == "escalate"):
            await self._escalate(body, interaction, button, user)
        elif action_id == ACTION_CHOICE or action_id.startswith(ACTION_CHOICE + "."):
            await self._pick(body, interaction, index, user)
        elif button is not None and button.action in ("confirm", "cancel"):
            await self._decide(body, interaction, button, user)
        elif button is not None and button.action in ("approve", "reject"):
            await self._approve(body, interaction, button, user)
        elif button is not None and button.action.startswith(FORM_ACTION):
            answer = await self._adapter.card_forms.open(body, interaction, button, user)
            if answer is not None:
                await self._show(body, answer)
        else:
            await self._tell(body, messages.slack_button_expired())

    def _stored_button(
        self, action_id: str, index: int | None, interaction: Interaction
    ) -> StoredButton | None:
        if not action_id.startswith(ACTION_BUTTON + ".") or index is None:
            return None
        if 0 <= index < len(interaction.buttons):
            return interaction.buttons[index]
        return None

    async def _once(self, body: Mapping[str, Any], key: str, *, decision: str = "") -> bool:
        """True for the first click of `key`. When the click cannot be recorded, a lookup's
        click goes ahead; a `decision` (confirm, cancel) is answered "could not record" and
        stops there: the desk could not record it either."""
        try:
            first = await self._adapter.dedupe.claim(key)
        except StorageUnavailable as exc:
            if decision:
                await self._show(body, unrecorded_decision(decision, exc))
                return False
            log.warning("could not record the click %s (%s); acting on it anyway", key, exc)
            first = True
        except Exception:
            log.exception("could not record the click %s; acting on it anyway", key)
            first = True
        if not first:
            await self._tell(body, messages.slack_button_used())
        return first

    async def _pick(
        self, body: Mapping[str, Any], interaction: Interaction, index: int | None, user: User
    ) -> None:
        if index is None or not 0 <= index < len(interaction.choices):
            await self._tell(body, messages.slack_button_expired())
            return
        if not await self._once(body, f"pick:{interaction.id}"):
            return
        text = interaction.choices[index]
        reply = await self._adapter.bot.handle(
            Message(
                text=text,
                user=user,
                adapter="slack",
                channel=interaction.channel,
                channel_limited=True,
                id=str(body.get("trigger_id") or f"{interaction.id}:{index}"),
            )
        )
        await self._replace(body, interaction, reply, user, text)

    async def _decide(
        self, body: Mapping[str, Any], interaction: Interaction, button: StoredButton, user: User
    ) -> None:
        # Confirm and cancel share one claim: whichever is clicked first is the answer.
        if not await self._once(body, f"decide:{interaction.id}", decision=button.action):
            return
        desk = self._adapter.bot.actions
        decide = desk.confirm if button.action == "confirm" else desk.cancel
        reply = await decide(button.value, user, adapter="slack", channel=interaction.channel)
        await self._replace(body, interaction, reply, user, interaction.command)
        if any(b.action == "approve" for b in reply.buttons):
            # The approvers must see the request: the approvals channel, or their DMs (never
            # the requester's own DM). Reaching nobody withdraws it, and the requester is told.
            failed = await self._adapter.approvals.route(interaction, reply, user)
            if failed is not None:
                await self._tell(body, failed)

    async def _approve(
        self, body: Mapping[str, Any], interaction: Interaction, button: StoredButton, user: User
    ) -> None:
        # No click claim here: a refused click (the requester, someone without the role) must
        # leave the buttons for the right person. The desk lets exactly one decision through.
        desk = self._adapter.bot.actions
        decide = desk.approve if button.action == "approve" else desk.reject
        reply = await decide(button.value, user, adapter="slack", channel=interaction.channel)
        if reply.outcome in (Outcome.DENIED, Outcome.REJECTED):
            await self._tell(body, reply.text or messages.slack_button_used())
            return
        await self._replace(body, interaction, reply, user, interaction.command)

    async def _replace(
        self,
        body: Mapping[str, Any],
        interaction: Interaction,
        reply: Reply,
        user: User,
        command: str,
    ) -> None:
        """Put the answer where the buttons were (a pick-list or a question is done with)."""
        ephemeral = bool((body.get("container") or {}).get("is_ephemeral"))
        message = await self._adapter.prepare(
            reply,
            user=user,
            channel=interaction.channel,
            command=command,
            public=not ephemeral,
            thread_ts=interaction.thread_ts,
        )
        response_url = body.get("response_url")
        if response_url:
            await self._adapter.outbox.respond(
                str(response_url),
                message,
                response_type="ephemeral" if ephemeral else "in_channel",
                replace_original=True,
            )
        elif interaction.channel:
            await self._adapter.outbox.post_ephemeral(interaction.channel, user.id, message)

    async def _share(self, body: Mapping[str, Any], interaction: Interaction) -> None:
        if interaction.shared is None:
            await self._tell(body, messages.slack_button_expired())
            return
        if not await self._once(body, f"share:{interaction.id}"):
            return
        message = render_reply(Reply.model_validate(interaction.shared))
        response_url = body.get("response_url")
        if response_url:
            await self._adapter.outbox.respond(
                str(response_url), message, response_type="in_channel", replace_original=False
            )
        elif interaction.channel:
            await self._adapter.outbox.post(
                interaction.channel, message, thread_ts=interaction.thread_ts
            )

    async def _escalate(
        self,
        body: Mapping[str, Any],
        interaction: Interaction,
        button: StoredButton | None,
        user: User,
    ) -> None:
        # The core's own button carries the failed run's reference; Slack's (on a failed
        # lookup) has it stored with the message. Either way the desk escalates it, through
        # the sink the bot was given (the engineering channel, or the log).
        request_id = button.value if button is not None else None
        if request_id is None and interaction.escalation is not None:
            request_id = interaction.escalation.get("request_id")
        if not request_id:
            await self._tell(body, messages.slack_button_expired())
            return
        # A second click while the first is being posted; once it is, the desk says so.
        if request_id in self._escalating:
            await self._tell(body, messages.slack_button_used())
            return
        self._escalating.add(request_id)
        try:
            reply = await self._adapter.bot.actions.escalate(str(request_id), user)
        finally:
            self._escalating.discard(request_id)
        # The whole answer: a report that did not arrive is shown, to pass on by hand.
        await self._show(body, reply)

    async def _tell(self, body: Mapping[str, Any], text: str) -> None:
        """A short note only the clicker sees; the message they clicked stays as it was."""
        await self._show(body, Reply(text=text))

    async def _show(self, body: Mapping[str, Any], reply: Reply) -> None:
        """An answer only the clicker sees, below the message they clicked."""
        message = render_reply(self._adapter.names.reply(reply))
        response_url = body.get("response_url")
        if response_url:
            await self._adapter.outbox.respond(
                str(response_url), message, response_type="ephemeral", replace_original=False
            )
            return
        channel = (body.get("channel") or {}).get("id")
        user = (body.get("user") or {}).get("id")
        if channel and user:
            await self._adapter.outbox.post_ephemeral(str(channel), str(user), message)
