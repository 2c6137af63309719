"""Command forms in Slack: a slash command typed without its arguments opens a modal.

`/refund` alone (or `/refund TX-1042`, half typed) is an action whose required arguments are
missing: instead of the usage line, the person gets a form built from the command's declared
arguments (`_modal_form.py`), prefilled with what they typed. Slack allows `views.open` only
within 3 s of the slash command, with its `trigger_id`, so the ack is empty and the form opens
from the background at once. Someone who may not run the command gets the usual refusal
instead, and if Slack will not open the form the command line's own answer (usage, example).

On submit every field is checked with the parser's argument types; wrong ones are answered in
the ack (`response_action: errors`, shown under each field). A good submission closes the form
and runs the command as typed text, through the whole chain: the confirmation question, the
approval, the audit record, as if it had been typed. The answer goes where the slash command's
would have (its `response_url`).

What the form is for (who opened it, where, which command) is kept on the server as an
`Interaction`; the modal's `private_metadata` holds only its id.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError

from supportbot.access.roles import may_run
from supportbot.core.errors import UsageError
from supportbot.core.message import Message, User
from supportbot.core.parsing import ConvertContext, parse_command
from supportbot.core.registry import CommandSpec
from supportbot.core.reply import Reply
from supportbot.dispatch.middleware.resolve import subcommand

from . import wording as messages
from ._background import CLAIM_CONTEXT_KEY
from ._interactions import Interaction, is_interaction_id, new_interaction_id
from ._modal_form import (
    BLOCK_PREFIX,
    MODAL_CALLBACK,
    command_view,
    missing_arguments,
    prefill_of,
    read_submission,
)
from ._payloads import slash_name

if TYPE_CHECKING:
    from ._app import SlackAdapter

__all__ = ["FormRunner", "Fallback"]

log = logging.getLogger("supportbot.slack.modals")

#: How the adapter answers a slash command the usual way (when no form is opened after all).
Fallback = Callable[[Mapping[str, Any], str], Awaitable[None]]


def api_error(exc: BaseException) -> str:
    """Slack's error code for a failed call (`expired_trigger_id`), or the failure's kind."""
    response = getattr(exc, "response", None)
    data = getattr(response, "data", None)
    if isinstance(data, dict) and data.get("error"):
        return str(data["error"])
    return type(exc).__name__


#: Slack's error codes an agent may meet, in words (the code itself goes to the log).
_REFUSALS = {
    "expired_trigger_id": "the click was more than 3 seconds ago",
    "invalid_trigger_id": "the click was more than 3 seconds ago",
    "ratelimited": "Slack is slowing the bot down; wait a few seconds",
    "fatal_error": "Slack had a problem on its side",
    "internal_error": "Slack had a problem on its side",
    "service_unavailable": "Slack had a problem on its side",
    "request_timeout": "Slack did not answer in time",
    "not_authed": "the bot's Slack token is not valid; tell whoever runs the bot",
    "invalid_auth": "the bot's Slack token is not valid; tell whoever runs the bot",
    "token_revoked": "the bot's Slack token is not valid; tell whoever runs the bot",
    "missing_scope": "the bot lacks a Slack permission; tell whoever runs the bot",
    "not_in_channel": "the bot is not in this channel",
    "channel_not_found": "the bot cannot see this channel",
}


def why_slack_refused(exc: BaseException) -> str:
    """What an agent is told of a failed Slack call: the reason in words, never a raw code
    (`api_error` gives the code, for the log)."""
    code = api_error(exc)
    if code in _REFUSALS:
        return _REFUSALS[code]
    if isinstance(exc, TimeoutError | OSError) or code.endswith(("Error", "Timeout")):
        return "Slack could not be reached"
    return f"Slack answered {code}"


def first_input_block(view: Mapping[str, Any]) -> str | None:
    """The block id of a view's first input (where a form-wide error is shown)."""
    for block in view.get("blocks") or []:
        if isinstance(block, Mapping) and block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return None


def view_values(view: Mapping[str, Any]) -> Mapping[str, Any]:
    """`view.state.values` of a submission ({} when it is not shaped as Slack sends it)."""
    state = view.get("state")
    values = state.get("values") if isinstance(state, Mapping) else None
    return values if isinstance(values, Mapping) else {}


async def stored_form(
    adapter: SlackAdapter, body: Mapping[str, Any], view: Mapping[str, Any]
) -> Interaction | str:
    """The form's stored state, or why the submission is refused (expired, someone else's)."""
    state_id = str(view.get("private_metadata") or "")
    interaction = await adapter.load_interaction(state_id) if is_interaction_id(state_id) else None
    if interaction is None:
        return messages.slack_form_expired()
    submitter = (body.get("user") or {}).get("id")
    if submitter != interaction.requester:
        return messages.slack_form_not_yours(interaction.requester_name or interaction.requester)
    return interaction


async def run_submitted(
    adapter: SlackAdapter, body: Mapping[str, Any], interaction: Interaction, text: str
) -> None:
    """Run the command a form submitted (`text`, as typed) for the person who opened it, and
    deliver the answer where the form came from (a form of this module or the log form)."""
    clicker: Mapping[str, Any] = body.get("user") or {}
    user = await adapter.users.resolve(
        interaction.requester,
        fallback_name=str(clicker.get("name") or clicker.get("username") or ""),
        team=clicker.get("team_id") if isinstance(clicker.get("team_id"), str) else None,
    )
    reply = await adapter.bot.handle(
        Message(
            text=text,
            user=user,
            adapter="slack",
            channel=interaction.channel,
            channel_limited=True,
            id=str(body.get("trigger_id") or new_interaction_id()),
        )
    )
    await deliver_answer(adapter, interaction, user, reply, text)


async def deliver_answer(
    adapter: SlackAdapter, interaction: Interaction, user: User, reply: Reply, text: str
) -> None:
    """Show the answer to a submitted form where the command's answer would have gone."""
    public = adapter.is_public(text, reply)
    message = await adapter.prepare(
        reply, user=user, channel=interaction.channel, command=text, public=public
    )
    if interaction.response_url and await adapter.outbox.respond(
        interaction.response_url,
        message,
        response_type="in_channel" if public else "ephemeral",
        replace_original=False,
    ):
        return
    if interaction.channel:
        if public:
            await adapter.outbox.post(interaction.channel, message)
            return
        if await adapter.outbox.post_ephemeral(interaction.channel, user.id, message):
            return
    await adapter.outbox.post(user.id, message)  # the DM: the answer is never dropped


class FormRunner:
    """Opens command forms for a `SlackAdapter` and runs what is submitted."""

    def __init__(self, adapter: SlackAdapter) -> None:
        self._adapter = adapter
        self._convert = ConvertContext(phone_region=adapter.settings.phone_region)

    def wanted(self, text: str) -> CommandSpec | None:
        """The action `text` names when its required arguments were not typed (a form asks
        for them); None for anything else, which is answered as usual."""
        registry = self._adapter.bot.registry
        try:
            parsed = subcommand(registry, parse_command(text))
        except UsageError:
            return None
        spec = registry.get(parsed.name)
        if spec is None or not spec.action or not spec.params:
            return None
        if any(token.text.lower() in ("--help", "-h") for token in parsed.tokens):
            return None
        return spec if missing_arguments(spec, parsed) else None

    async def open(
        self, body: Mapping[str, Any], text: str, spec: CommandSpec, fallback: Fallback
    ) -> None:
        """Open the form for `spec` with the slash command's trigger; `fallback` answers the
        command the usual way when the person may not run it or Slack refuses the form."""
        adapter = self._adapter
        user = await adapter.users.resolve(
            str(body.get("user_id")),
            fallback_name=str(body.get("user_name") or ""),
            team=body.get("user_team") if isinstance(body.get("user_team"), str) else None,
        )
        if not may_run(spec, user, adapter.settings):
            await fallback(body, text)  # the chain's refusal: who may, and how to get access
            return
        channel = body.get("channel_id")
        interaction = Interaction(
            id=new_interaction_id(),
            requester=user.id,
            requester_name=user.display,
            channel=str(channel) if channel else None,
            command=f"/{spec.name}",
            response_url=str(body.get("response_url") or "") or None,
        )
        await adapter.replies.interactions.save(interaction)
        parsed = subcommand(adapter.bot.registry, parse_command(text))
        view = command_view(
            spec,
            title=slash_name(spec.name, adapter.prefix),
            state_id=interaction.id,
            prefill=prefill_of(spec, parsed),
        )
        try:
            await adapter.client.views_open(trigger_id=str(body.get("trigger_id")), view=view)
        except (SlackApiError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.warning("views.open for /%s failed: %s", spec.name, api_error(exc))
            await fallback(body, text)

    def listen(self, app: AsyncApp) -> None:
        """Take the submissions of command forms on `app`."""

        async def submitted(
            ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext
        ) -> None:
            await self.submit(ack, body, view, claim=context.get(CLAIM_CONTEXT_KEY))

        app.view(MODAL_CALLBACK)(submitted)

    async def submit(
        self,
        ack: AsyncAck,
        body: Mapping[str, Any],
        view: Mapping[str, Any],
        *,
        claim: asyncio.Future[bool] | None = None,
    ) -> None:
        """A submitted command form: field errors in the ack, or close it and run the command
        (once `claim` says this is the first delivery)."""
        adapter = self._adapter
        found = await stored_form(adapter, body, view)
        spec = (
            adapter.bot.registry.get(found.command.lstrip("/"))
            if isinstance(found, Interaction)
            else None
        )
        if not isinstance(found, Interaction) or spec is None:
            problem = found if isinstance(found, str) else messages.slack_form_expired()
            where = first_input_block(view) or BLOCK_PREFIX
            await ack(response_action="errors", errors={where: problem})
            return
        text, errors = read_submission(spec, view_values(view), self._convert)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        adapter.spawn(self._run(body, found, text), claim=claim)

    async def _run(self, body: Mapping[str, Any], interaction: Interaction, text: str) -> None:
        await run_submitted(self._adapter, body, interaction, text)
