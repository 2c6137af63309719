"""The card's buttons that open forms: Add note, Tag and Save this number.

A card's button says `form:note`, `form:tag` or `form:alias` and, kept on the server with the
message's buttons (`_interactions.py`), what it is about: a merchant id, an interaction id, or
the E.164 number to save. Slack's own button value is only the stored state's id, so no phone
number travels in a payload or a log line.

A click opens the form with the click's `trigger_id` (Slack allows `views.open` once, within
3 s), after the same checks a typed command gets first: someone who may not run the command
gets the chain's refusal instead, and a card that went stale (its merchant unknown to the
merchants service, its number saved meanwhile) gets a note saying so. The form shows what it
changes: the note's subject, the tags on it now (a multi-select of the taxonomy), the number.

A submission is checked field by field (answered under the field, `response_action: errors`),
then runs the command as typed text through `run_submitted`, the same path as `/note`, `/tag`
and `/alias` typed: roles, masking, the confirmation that names the merchant, the audit record.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError

from supportbot.access.roles import may_run
from supportbot.core import wording as core_messages
from supportbot.core.argtypes import MerchantId, PhoneNumber
from supportbot.core.masking import mask_text
from supportbot.core.message import Message, User
from supportbot.core.reply import FORM_ACTION, Reply
from supportbot.record.settings import record_settings
from supportbot.record.taxonomy import Taxonomy

from . import wording as messages
from ._background import CLAIM_CONTEXT_KEY
from ._interactions import Interaction, StoredButton, new_interaction_id
from ._log_form import tag_option_groups
from ._modals import (
    api_error,
    first_input_block,
    run_submitted,
    stored_form,
    view_values,
    why_slack_refused,
)
from ._text import printable, shorten

if TYPE_CHECKING:
    from ._app import SlackAdapter

__all__ = ["CARD_CALLBACK", "FIELD", "MERCHANT", "NOTE", "TAGS", "CardForms", "read_card_form"]

log = logging.getLogger("supportbot.slack.card_forms")

CARD_CALLBACK = "supportbot.card_form"
NOTE, TAGS, MERCHANT = "card.note", "card.tags", "card.merchant"
FIELD = "value"
KINDS = ("note", "tag", "alias")
#: How long the click waits for the merchants service to say the merchant still exists: the
#: trigger lasts 3 s, so a slow answer opens the form anyway (the command checks again).
MERCHANT_CHECK_S = 1.0


def _plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": shorten(printable(text), limit) or "?", "emoji": False}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000] or "?"}}


def _input(block_id: str, label: str, element: dict[str, Any], **extra: Any) -> dict[str, Any]:
    element = {**element, "action_id": FIELD}
    block = {"type": "input", "block_id": block_id, "label": _plain(label), "element": element}
    return {**block, **extra}


def _view(kind: str, state_id: str, title: str, blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": CARD_CALLBACK,
        "title": _plain(title, 24),
        "submit": _plain(messages.card_submit(kind), 24),
        "close": _plain(messages.slack_modal_close(), 24),
        "private_metadata": state_id,
        "blocks": blocks,
    }


def note_view(state_id: str, subject: str, *, closed: bool, limit: int) -> dict[str, Any]:
    """The Add note form: what the note goes on, and the note (as long as `/note` takes)."""
    note = {"type": "plain_text_input", "multiline": True, "max_length": min(limit, 3000)}
    hint = _plain(messages.card_note_hint(limit), 2000)
    return _view(
        "note",
        state_id,
        messages.card_note_title(),
        [
            _section(messages.card_note_about(subject, closed)),
            _input(NOTE, messages.card_note_label(), note, hint=hint),
        ],
    )


def tag_view(
    state_id: str, subject: str, taxonomy: Taxonomy, on: list[str], max_tags: int
) -> dict[str, Any]:
    """The Tag form: the taxonomy in groups, the tags on now already picked. A tag on it that
    the taxonomy no longer has cannot be an option (Slack wants every picked one among the
    options), so it is named above the menu and left as it is."""
    groups = tag_option_groups(taxonomy)
    options = {o["value"]: o for group in groups for o in group["options"]}
    picked = [options[tag] for tag in on if tag in options]
    others = [tag for tag in on if tag not in options]
    element: dict[str, Any] = {
        "type": "multi_static_select",
        "option_groups": groups,
        "max_selected_items": max(1, min(max_tags, 100)),
    }
    if picked:
        element["initial_options"] = picked[:max_tags]
    blocks = [_section(messages.card_tags_about(subject, max_tags, others))]
    blocks.append(_input(TAGS, messages.slack_log_tags_label(), element, optional=True))
    return _view("tag", state_id, messages.card_tag_title(), blocks)


def alias_view(state_id: str, number: str, merchant_id: str | None) -> dict[str, Any]:
    """The Save this number form: the number (as the clicker may see it) and whose it is."""
    field: dict[str, Any] = {"type": "plain_text_input", "max_length": 40}
    field["placeholder"] = _plain(messages.slack_field_placeholder("M-10001"), 150)
    if merchant_id:
        field["initial_value"] = merchant_id
    return _view(
        "alias",
        state_id,
        messages.card_alias_title(),
        [
            _section(messages.card_alias_about(number)),
            _input(MERCHANT, messages.card_merchant_label(), field),
        ],
    )


def _typed(state: Mapping[str, Any], block: str) -> Any:
    field = state.get(block)
    return field.get(FIELD) if isinstance(field, Mapping) else None


def _text(state: Mapping[str, Any], block: str) -> str:
    value = _typed(state, block)
    typed = value.get("value") if isinstance(value, Mapping) else None
    return typed.strip() if isinstance(typed, str) else ""


def _picked(state: Mapping[str, Any], block: str) -> list[str]:
    value = _typed(state, block)
    chosen = value.get("selected_options") if isinstance(value, Mapping) else None
    if not isinstance(chosen, list):
        return []
    found = [str(o.get("value")) for o in chosen if isinstance(o, Mapping) and o.get("value")]
    return list(dict.fromkeys(found))


def read_card_form(
    form: Mapping[str, Any],
    state: Mapping[str, Any],
    *,
    taxonomy: Taxonomy,
    max_tags: int,
    note_limit: int,
    region: str,
) -> tuple[str, dict[str, str]]:
    """(the command as typed, {}) for a good submission; ("", {block id: what is wrong}) else.

    `form` is what the form was opened with (its kind, subject and the tags it showed)."""
    kind, subject = str(form.get("kind")), str(form.get("subject") or "")
    if kind == "note":
        note = _text(state, NOTE)
        if not note:
            return "", {NOTE: messages.slack_field_missing(messages.card_note_label())}
        if len(note) > note_limit:
            return "", {NOTE: messages.slack_field_too_long(len(note), note_limit)}
        # One line: the note is the rest of the command, kept as typed, newlines as spaces;
        # `--` keeps a note that starts with a dash ("--help", "-5 % fee") from being an option.
        words = " ".join(note.split())
        return f"/note -- {subject} {words}", {}
    if kind == "tag":
        shown = [str(tag) for tag in form.get("shown") or ()]
        picked = _picked(state, TAGS)
        unknown = [tag for tag in picked if tag not in taxonomy.tags]
        if unknown:
            return "", {TAGS: messages.slack_log_tag_gone(shorten(printable(unknown[0]), 60))}
        if len(picked) > max_tags:
            return "", {TAGS: messages.slack_log_too_many_tags(max_tags, len(picked))}
        changes = [f"+{tag}" for tag in picked if tag not in shown]
        changes += [f"-{tag}" for tag in shown if tag not in picked and tag in taxonomy.tags]
        if not changes:
            return "", {TAGS: messages.card_tags_unchanged()}
        return f"/tag {subject} {' '.join(changes)}", {}
    typed = " ".join(_text(state, MERCHANT).split())
    label = messages.card_merchant_label()
    if not typed:
        return "", {MERCHANT: messages.slack_field_missing(label)}
    try:
        merchant_id = MerchantId.parse(typed[:60])
    except ValueError as exc:
        shown_typed = mask_text(shorten(printable(typed), 60), region)
        return "", {MERCHANT: core_messages.invalid_argument(label, str(exc), shown_typed)}
    return f"/alias {subject} {merchant_id}", {}


class CardForms:
    """Opens the forms of a card's buttons for a `SlackAdapter` and runs what is submitted."""

    def __init__(self, adapter: SlackAdapter) -> None:
        self._adapter = adapter

    def listen(self, app: AsyncApp) -> None:
        """Take the forms' submissions on `app` (the clicks come through `ActionRunner`)."""

        async def submitted(
            ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], context: AsyncBoltContext
        ) -> None:
            await self.submit(ack, body, view, claim=context.get(CLAIM_CONTEXT_KEY))

        app.view(CARD_CALLBACK)(submitted)

    async def _taxonomy(self) -> Taxonomy:
        store = self._adapter.bot.store
        custom = await store.record.custom_tags() if store is not None else {}
        return Taxonomy.of(record_settings(self._adapter.settings), custom)

    async def open(
        self, body: Mapping[str, Any], interaction: Interaction, button: StoredButton, user: User
    ) -> Reply | None:
        """Open the form `button` asks for; or the answer to show the clicker instead (a
        refusal, a stale card, Slack not opening it)."""
        adapter = self._adapter
        kind = button.action.removeprefix(FORM_ACTION)
        spec = adapter.bot.registry.get(kind) if kind in KINDS else None
        if spec is None:
            return Reply(text=messages.slack_button_expired())
        if not may_run(spec, user, adapter.settings):
            # The chain's own refusal (who may, how to get access), and its audit record.
            return await adapter.bot.handle(
                Message(text=f"/{kind}", user=user, adapter="slack", channel=interaction.channel)
            )
        store = adapter.bot.store
        if store is None:
            return Reply(text=messages.slack_button_expired())
        config = record_settings(adapter.settings)
        state = Interaction(
            id=new_interaction_id(),
            requester=user.id,
            requester_name=user.display,
            channel=interaction.channel,
            command=f"/{kind}",
            thread_ts=interaction.thread_ts,
            response_url=str(body.get("response_url") or "") or None,
            form={"kind": kind, "subject": button.value},
        )
        region = adapter.settings.phone_region
        if kind == "alias":
            phone = PhoneNumber.parse(button.value, region)
            saved = await store.record.alias(phone.e164)
            number = mask_text(phone.national, region) if user.guest else phone.national
            if saved is not None:
                return Reply(text=messages.card_number_saved_meanwhile(number, saved.merchant_id))
            view = alias_view(state.id, number, None)
            typed = f"/alias {number} <merchant id>"
        else:
            found = await self._subject(button.value)
            if isinstance(found, Reply):
                return found
            subject, closed = found
            if kind == "note":
                view = note_view(state.id, subject, closed=closed, limit=config.note_max_chars)
                typed = f"/note {button.value} <note>"
            else:
                on = await self._tags_on(button.value)
                state = replace(state, form={"kind": kind, "subject": button.value, "shown": on})
                taxonomy = await self._taxonomy()
                view = tag_view(state.id, subject, taxonomy, on, config.max_tags_per_interaction)
                typed = f"/tag {button.value} +group/tag -group/tag"
        await adapter.replies.save_interaction(state)
        try:
            await adapter.client.views_open(trigger_id=str(body.get("trigger_id")), view=view)
        except (SlackApiError, aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.warning("views.open for the %s form failed: %s", kind, api_error(exc))
            why = why_slack_refused(exc)
            return Reply(text=messages.card_form_not_opened(why, adapter.names.rewrite(typed)))
        return None

    async def _subject(self, about: str) -> tuple[str, bool] | Reply:
        """How the form names what it changes (`M-10001`, `I-7K3QX2 (M-10001)`) and whether
        that interaction is closed; the answer instead when it is not known any more."""
        store = self._adapter.bot.store
        assert store is not None
        if about.startswith("I-"):
            found = await store.record.interaction(about)
            if found is None:
                return Reply(text=messages.card_gone(about))
            merchant = f" ({found.merchant_id})" if found.merchant_id else ""
            return f"{about}{merchant}", found.closed_at is not None
        if await self._merchant_gone(about):
            return Reply(text=messages.card_gone(about))
        return about, False

    async def _merchant_gone(self, merchant_id: str) -> bool:
        """Whether the merchants service says `merchant_id` does not exist (a failure or a slow
        answer says nothing: the form opens)."""
        try:
            call = self._adapter.bot.services.merchants.get(f"/merchants/{merchant_id}")
            result = await asyncio.wait_for(call, MERCHANT_CHECK_S)
        except Exception as exc:  # no such service, a timeout: not evidence it is gone
            log.info("could not check %s before its form: %s", merchant_id, type(exc).__name__)
            return False
        return bool(result.not_found)

    async def _tags_on(self, about: str) -> list[str]:
        store = self._adapter.bot.store
        assert store is not None
        if about.startswith("I-"):
            marks = await store.record.tags_on(interaction_ref=about)
        else:
            marks = await store.record.tags_on(merchant_id=about)
        return list(dict.fromkeys(mark.tag for mark in marks))

    async def submit(
        self,
        ack: AsyncAck,
        body: Mapping[str, Any],
        view: Mapping[str, Any],
        *,
        claim: asyncio.Future[bool] | None = None,
    ) -> None:
        """A submitted card form: field errors in the ack, or close it and run the command
        (once `claim` says this is the first delivery)."""
        adapter = self._adapter
        found = await stored_form(adapter, body, view)
        if isinstance(found, str) or not found.form or found.form.get("kind") not in KINDS:
            problem = found if isinstance(found, str) else messages.slack_form_expired()
            where = first_input_block(view) or NOTE
            await ack(response_action="errors", errors={where: problem})
            return
        config = record_settings(adapter.settings)
        text, errors = read_card_form(
            found.form,
            view_values(view),
            taxonomy=await self._taxonomy(),
            max_tags=config.max_tags_per_interaction,
            note_limit=config.note_max_chars,
            region=adapter.settings.phone_region,
        )
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        adapter.spawn(run_submitted(adapter, body, found, text), claim=claim)
