"""The message shortcut "Log this conversation": a form to log the contact a message is about.

Chosen on a customer's message, it opens a modal prefilled with what the message names (the
first phone number, email or merchant id; the others are listed under the field), the link to
the message, the taxonomy's tags to pick and a note. Submitted, it runs `/log` as typed text
(`/log --link=… -- 0812-3456-7890 #settlement/delayed the note`), so the contact goes on the
merchant's timeline through the same command, checks and audit record as a typed `/log`, and
the card comes back to the person only.

The customer field is checked with `/log`'s own argument type, the note against the record's
note limit, the tags against the taxonomy, before the form closes: a wrong field is answered
under that field.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError

from supportbot.access.roles import may_run
from supportbot.core import wording as core_messages
from supportbot.core.masking import mask_text
from supportbot.core.message import Message
from supportbot.core.parsing import ConvertContext
from supportbot.core.reply import Reply
from supportbot.record.desk import MOODS
from supportbot.record.settings import record_settings
from supportbot.record.taxonomy import Taxonomy

from . import wording as messages
from ._background import CLAIM_CONTEXT_KEY
from ._blocks import render_reply
from ._interactions import Interaction, new_interaction_id
from ._modals import (
    api_error,
    first_input_block,
    run_submitted,
    stored_form,
    view_values,
    why_slack_refused,
)
from ._shortcut import LOG_SHORTCUT, customer_references
from ._text import printable, shorten, strip_hidden

if TYPE_CHECKING:
    from ._app import SlackAdapter

__all__ = [
    "LOG_CALLBACK",
    "ConversationLogger",
    "log_view",
    "message_link",
    "read_log_form",
    "tag_option_groups",
]

log = logging.getLogger("supportbot.slack.log_form")

LOG_CALLBACK = "supportbot.log_conversation_form"
CUSTOMER, TAGS, NOTE, MOOD, LINK = "log.customer", "log.tags", "log.note", "log.mood", "log.link"
FIELD = "value"
#: Slack's limits on a select: 100 option groups, 100 options each, 75 characters of text.
MAX_OPTIONS = 100
OPTION_TEXT = 75
LINK_LIMIT = 500


def message_link(workspace_url: str | None, channel: str, ts: str, thread_ts: str | None) -> str:
    """The message's permalink, as Slack writes them (`…/archives/C123/p1700000000000200`)."""
    base = (workspace_url or "https://slack.com/").rstrip("/")
    link = f"{base}/archives/{channel}/p{ts.replace('.', '')}"
    if thread_ts and thread_ts != ts:
        link += f"?thread_ts={thread_ts}&cid={channel}"
    return link


def _plain(text: str, limit: int = OPTION_TEXT) -> dict[str, Any]:
    return {"type": "plain_text", "text": shorten(printable(text), limit) or "?", "emoji": False}


def _option(value: str, label: str, description: str = "") -> dict[str, Any]:
    option: dict[str, Any] = {"text": _plain(label), "value": value[:150]}
    if description.strip():
        option["description"] = _plain(description)
    return option


def tag_option_groups(taxonomy: Taxonomy) -> list[dict[str, Any]]:
    """The taxonomy as a multi-select's `option_groups`: one group per first level, within
    Slack's limits (100 groups of 100 options, 75 characters of text)."""
    by_group: dict[str, list[dict[str, Any]]] = {}
    for tag, description in sorted(taxonomy.tags.items()):
        group = tag.partition("/")[0]
        by_group.setdefault(group, []).append(_option(tag, tag, description))
    return [
        {"label": _plain(group), "options": options[:MAX_OPTIONS]}
        for group, options in list(by_group.items())[:MAX_OPTIONS]
    ]


def _input(block_id: str, label: str, element: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label),
        "element": {**element, "action_id": FIELD},
        **extra,
    }


def log_view(
    *,
    state_id: str,
    found: Sequence[str],
    link: str,
    taxonomy: Taxonomy,
    max_tags: int,
    note_limit: int,
) -> dict[str, Any]:
    """The "Log this conversation" modal: customer (the first reference found), tags, note,
    mood and link."""
    customer: dict[str, Any] = {"type": "plain_text_input", "max_length": 254}
    if found:
        customer["initial_value"] = strip_hidden(found[0])[:254]
    hint = messages.slack_log_customer_hint(len(found))
    if len(found) > 1:
        hint += " " + ", ".join(found[1:6])
    blocks = [
        _input(CUSTOMER, messages.slack_log_customer_label(), customer, hint=_plain(hint, 2000))
    ]
    groups = tag_option_groups(taxonomy)
    if groups:
        tags = {
            "type": "multi_static_select",
            "option_groups": groups,
            "max_selected_items": max_tags,
        }
        blocks.append(_input(TAGS, messages.slack_log_tags_label(), tags, optional=True))
    note = {"type": "plain_text_input", "multiline": True, "max_length": min(note_limit, 3000)}
    blocks.append(_input(NOTE, messages.slack_log_note_label(), note, optional=True))
    moods = {"type": "static_select", "options": [_option(m, m) for m in MOODS]}
    blocks.append(_input(MOOD, messages.slack_log_mood_label(), moods, optional=True))
    link_field: dict[str, Any] = {"type": "plain_text_input"}
    if link:
        link_field["initial_value"] = link[:LINK_LIMIT]
    link_field["max_length"] = LINK_LIMIT
    blocks.append(_input(LINK, messages.slack_log_link_label(), link_field, optional=True))
    return {
        "type": "modal",
        "callback_id": LOG_CALLBACK,
        "title": _plain(messages.slack_log_modal_title(), 24),
        "submit": _plain(messages.slack_log_submit(), 24),
        "close": _plain(messages.slack_modal_close(), 24),
        "private_metadata": state_id,
        "blocks": blocks,
    }


def _value(state: Mapping[str, Any], block: str) -> Any:
    field = state.get(block)
    return field.get(FIELD) if isinstance(field, Mapping) else None


def _text(state: Mapping[str, Any], block: str) -> str:
    value = _value(state, block)
    typed = value.get("value") if isinstance(value, Mapping) else None
    return typed.strip() if isinstance(typed, str) else ""


def _selected(state: Mapping[str, Any], block: str) -> list[str]:
    value = _value(state, block)
    if not isinstance(value, Mapping):
        return []
    chosen = value.get("selected_options")
    if chosen is None and isinstance(value.get("selected_option"), Mapping):
        chosen = [value["selected_option"]]
    if not isinstance(chosen, list):
        return []
    return [str(o.get("value")) for o in chosen if isinstance(o, Mapping) and o.get("value")]


def read_log_form(
    state: Mapping[str, Any],
    *,
    convert_customer: Any,
    convert: ConvertContext,
    taxonomy: Taxonomy,
    max_tags: int,
    note_limit: int,
) -> tuple[str, dict[str, str]]:
    """(the `/log` command text, {}) for a good form, or ("", {block id: what is wrong})."""
    errors: dict[str, str] = {}
    customer = " ".join(_text(state, CUSTOMER).split())
    if not customer:
        errors[CUSTOMER] = messages.slack_field_missing(messages.slack_log_customer_label())
    else:
        try:
            convert_customer(customer[:300], convert)
        except ValueError as exc:
            typed = mask_text(shorten(printable(customer), 60), convert.phone_region)
            label = messages.slack_log_customer_label()
            errors[CUSTOMER] = core_messages.invalid_argument(label, str(exc), typed)
    tags = _selected(state, TAGS)
    if len(tags) > max_tags:
        errors[TAGS] = messages.slack_log_too_many_tags(max_tags, len(tags))
    unknown = [tag for tag in tags if tag not in taxonomy.tags]
    if unknown:
        errors[TAGS] = messages.slack_log_tag_gone(shorten(printable(unknown[0]), 60))
    note = _text(state, NOTE)
    if len(note) > note_limit:
        errors[NOTE] = messages.slack_field_too_long(len(note), note_limit)
    elif note.startswith("#"):
        errors[NOTE] = messages.slack_log_note_starts_with_tag()
    mood = _selected(state, MOOD)
    link = _text(state, LINK)
    if link and (not link.startswith(("https://", "http://")) or len(link.split()) != 1):
        errors[LINK] = messages.slack_log_link_invalid()
    if errors:
        return "", errors
    parts = ["/log"]
    if link:
        parts.append("--link=" + shlex.quote(link[:LINK_LIMIT]))
    if mood and mood[0] in MOODS:
        parts.append("--mood=" + mood[0])
    if any(word[:1] in ("-", "—", "–") for word in (customer, *note.split())):
        parts.append("--")
    parts.append(shlex.quote(customer))
    parts += [f"#{tag}" for tag in tags]
    if note:
        parts.append(" ".join(note.split()))
    return " ".join(parts), {}


class ConversationLogger:
    """The "Log this conversation" shortcut and its form, for a `SlackAdapter`."""

    def __init__(self, adapter: SlackAdapter) -> None:
        self._adapter = adapter
        self._convert = ConvertContext(phone_region=adapter.settings.phone_region)

    def listen(self, app: AsyncApp) -> None:
        """Take the shortcut and the form's submissions on `app`."""

        async def chosen(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
            await ack()
            self._adapter.spawn(self.open(body), claim=context.get(CLAIM_CONTEXT_KEY))

        async def submitted(
            ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext
        ) -> None:
            await self.submit(ack, body, view, claim=context.get(CLAIM_CONTEXT_KEY))

        app.shortcut(LOG_SHORTCUT)(chosen)
        app.view(LOG_CALLBACK)(submitted)

    async def _taxonomy(self) -> Taxonomy:
        config = record_settings(self._adapter.settings)
        store = self._adapter.bot.store
        custom = await store.record.custom_tags() if store is not None else {}
        return Taxonomy.of(config, custom)

    async def open(self, body: Mapping[str, Any]) -> None:
        """Open the form for the message a `message_action` payload carries."""
        adapter = self._adapter
        clicker: Mapping[str, Any] = body.get("user") or {}
        channel = str((body.get("channel") or {}).get("id") or "")
        message: Mapping[str, Any] = body.get("message") or {}
        user = await adapter.users.resolve(
            str(clicker.get("id")),
            fallback_name=str(clicker.get("name") or clicker.get("username") or ""),
            team=clicker.get("team_id") if isinstance(clicker.get("team_id"), str) else None,
        )
        spec = adapter.bot.registry.get("log")
        if spec is None or not may_run(spec, user, adapter.settings):
            reply = await adapter.bot.handle(
                Message(text="/log", user=user, adapter="slack", channel=channel or None)
            )
            await self._tell(channel, user.id, render_reply(adapter.names.reply(reply)))
            return
        ts = str(message.get("ts") or body.get("message_ts") or "")
        thread = message.get("thread_ts") if isinstance(message.get("thread_ts"), str) else None
        interaction = Interaction(
            id=new_interaction_id(),
            requester=user.id,
            requester_name=user.display,
            channel=channel or None,
            command="/log",
            thread_ts=thread,
            response_url=str(body.get("response_url") or "") or None,
        )
        await adapter.replies.interactions.save(interaction)
        config = record_settings(adapter.settings)
        view = log_view(
            state_id=interaction.id,
            found=customer_references(str(message.get("text") or ""), self._convert.phone_region),
            link=message_link(adapter.identity.url, channel, ts, thread) if channel and ts else "",
            taxonomy=await self._taxonomy(),
            max_tags=config.max_tags_per_interaction,
            note_limit=config.note_max_chars,
        )
        try:
            await adapter.client.views_open(trigger_id=str(body.get("trigger_id")), view=view)
        except (SlackApiError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.warning("views.open for the log form failed: %s", api_error(exc))
            why = why_slack_refused(exc)
            failed = Reply(text=messages.slack_form_not_opened("Log this conversation", why))
            await self._tell(channel, user.id, render_reply(failed))

    async def _tell(self, channel: str, user_id: str, message: Any) -> None:
        outbox = self._adapter.outbox
        if not channel or not await outbox.post_ephemeral(channel, user_id, message):
            await outbox.post(user_id, message)

    async def submit(
        self,
        ack: AsyncAck,
        body: Mapping[str, Any],
        view: Mapping[str, Any],
        *,
        claim: asyncio.Future[bool] | None = None,
    ) -> None:
        """A submitted log form: field errors in the ack, or close it and run `/log`."""
        adapter = self._adapter
        found = await stored_form(adapter, body, view)
        spec = adapter.bot.registry.get("log")
        if isinstance(found, str) or spec is None or not spec.params:
            problem = found if isinstance(found, str) else messages.slack_form_expired()
            await ack(
                response_action="errors", errors={first_input_block(view) or CUSTOMER: problem}
            )
            return
        config = record_settings(adapter.settings)
        text, errors = read_log_form(
            view_values(view),
            convert_customer=spec.params[0].argtype.convert,
            convert=self._convert,
            taxonomy=await self._taxonomy(),
            max_tags=config.max_tags_per_interaction,
            note_limit=config.note_max_chars,
        )
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        adapter.spawn(self._run(body, found, text), claim=claim)

    async def _run(self, body: Mapping[str, Any], interaction: Interaction, text: str) -> None:
        await run_submitted(self._adapter, body, interaction, text)
