"""The card's buttons that open forms: Add note, Tag and Save this number.

Each click opens a modal with the click's trigger (the fake Slack checks it as Slack does); a
submission runs `/note`, `/tag` or `/alias` as typed, so the record gets what the typed command
would give it: the note on the merchant's timeline, the tags, the saved number after its
confirmation."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from supportbot.core.message import User
from supportbot.record.calls import sign
from supportbot.slack import SlackAdapter, serve_http
from supportbot.slack._calls import SlackCardPoster
from supportbot.slack._card_forms import FIELD, MERCHANT, NOTE, TAGS
from supportbot.slack.testing import (
    FakeSlack,
    SlackSender,
    SlackSigner,
    block_actions,
    text_value,
)
from supportbot.testing import BotTester
from supportbot.web.calls import CallsEndpoint, serve_calls

from .conftest import AGENT, OTHER, SIGNING_SECRET, bot_settings, slack_bot
from .test_slack_interactivity import ask, button, text_of
from .test_slack_log_conversation import store_of, submit

UNKNOWN = "0899-1234-5678"
UNKNOWN_E164 = "+6289912345678"


async def open_form(
    slack: FakeSlack,
    sender: SlackSender,
    adapter: SlackAdapter,
    card: dict[str, Any],
    label: str,
    *,
    user_id: str = AGENT,
    trigger_id: str | None = None,
) -> tuple[str, dict[str, Any] | None, list[dict[str, Any]]]:
    """Click the card's button `label`: (the click's response url, the form opened or None,
    what was posted to the clicker instead)."""
    opened = len(slack.opened_views)
    element = button(card, "supportbot.button", label)
    url = slack.new_response_url("message")
    payload = block_actions(
        element["action_id"],
        value=element["value"],
        response_url=url,
        user_id=user_id,
        trigger_id=trigger_id,
    )
    sent = await sender.click(payload)
    assert sent.status == 200 and sent.text == ""
    await adapter.drain(10)
    views = slack.opened_views[opened:]
    return url, (views[0] if views else None), [post.body for post in slack.responses_to(url)]


async def click_confirm(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, question: dict[str, Any]
) -> None:
    """Click Confirm on the confirmation `question` and let the action run."""
    confirm = button(question, "supportbot.button", "Confirm")
    url = slack.new_response_url("message")
    await sender.click(
        block_actions(confirm["action_id"], value=confirm["value"], response_url=url)
    )
    await adapter.drain(10)


@asynccontextmanager
async def signed_sender(adapter: SlackAdapter) -> AsyncIterator[SlackSender]:
    """Signed requests to `adapter` over HTTP (for a test's own bot)."""
    async with serve_http(adapter, host="127.0.0.1", port=0) as http_url:
        async with SlackSender(http_url, SlackSigner(SIGNING_SECRET)) as signed:
            yield signed


def note_state(note: str) -> dict[str, Any]:
    return {NOTE: {FIELD: text_value(note)}}


def tags_state(tags: list[str]) -> dict[str, Any]:
    chosen = [{"value": tag} for tag in tags]
    return {TAGS: {FIELD: {"type": "multi_static_select", "selected_options": chosen}}}


def merchant_state(typed: str) -> dict[str, Any]:
    return {MERCHANT: {FIELD: text_value(typed)}}


def labels(card: dict[str, Any]) -> list[str]:
    return [
        element["text"]["text"]
        for block in card["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


async def test_the_merchant_card_has_add_note_and_tag_and_stays_shareable(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    card = await ask(slack, sender, adapter, "/merchant", "M-10001")
    assert {"Add note", "Tag", "Share in channel"} <= set(labels(card))
    # A button's value is only the stored state's id: no merchant id or number travels.
    values = [button(card, "supportbot.button", label)["value"] for label in ("Add note", "Tag")]
    assert all("M-10001" not in value for value in values)


async def test_add_note_opens_a_form_and_the_note_lands_on_the_merchants_timeline(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    card = await ask(slack, sender, adapter, "/merchant", "M-10001")
    url, view, posted = await open_form(slack, sender, adapter, card, "Add note")
    assert view is not None and posted == [] and slack.problems == []
    assert "M-10001" in text_of(view) and view["blocks"][-1]["element"]["max_length"] == 2000
    note = "asked twice about Tuesday's settlement; call back 0812-3456-7890 at 3pm"
    assert await submit(sender, adapter, view, note_state(note)) == {}
    [note_row] = await store_of(tester).record.notes(merchant_id="M-10001")
    assert note_row.text == note and note_row.author_id == AGENT
    [answer] = [post.body for post in slack.responses_to(url)]
    assert "N-" in text_of(answer)


async def test_a_colleague_may_add_a_note_from_the_card_as_themselves(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    card = await ask(slack, sender, adapter, "/merchant", "M-10001")
    _, view, _ = await open_form(slack, sender, adapter, card, "Add note", user_id=OTHER)
    assert view is not None
    assert (
        await submit(sender, adapter, view, note_state("second pair of eyes"), user_id=OTHER) == {}
    )
    [note_row] = await store_of(tester).record.notes(merchant_id="M-10001")
    assert note_row.author_id == OTHER


async def test_the_note_form_refuses_empty_huge_and_someone_elses_submission(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    card = await ask(slack, sender, adapter, "/merchant", "M-10001")
    _, view, _ = await open_form(slack, sender, adapter, card, "Add note")
    assert view is not None
    assert "Note is needed" in (await submit(sender, adapter, view, note_state("  ")))[NOTE]
    huge = await submit(sender, adapter, view, note_state("x" * 2001))
    assert "2,001 characters" in huge[NOTE]
    stolen = await submit(sender, adapter, view, note_state("mine now"), user_id=OTHER)
    assert "opened for rina" in stolen[NOTE]
    assert await store_of(tester).record.notes(merchant_id="M-10001") == []


async def test_hostile_and_unicode_notes_are_kept_as_typed_and_never_read_as_options(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    typed = [
        '--help me, she said "it\'s gone"',
        "-5 % fee charged twice",
        "Pelanggan bilang: uang belum masuk ✓ 💸 ‘quoted’",
    ]
    for note in typed:
        card = await ask(slack, sender, adapter, "/merchant", "M-10001")
        _, view, _ = await open_form(slack, sender, adapter, card, "Add note")
        assert view is not None
        assert await submit(sender, adapter, view, note_state(note)) == {}
    kept = [n.text for n in await store_of(tester).record.notes(merchant_id="M-10001")]
    assert sorted(kept) == sorted(
        [
            '--help me, she said "it\'s gone"',
            "-5 % fee charged twice",
            "Pelanggan bilang: uang belum masuk ✓ 💸 'quoted'",  # Slack's smart quotes, as typed
        ]
    )


async def test_tag_shows_the_tags_on_now_and_saves_what_changed(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    await ask(slack, sender, adapter, "/tag", "M-10001 +settlement/delayed")
    card = await ask(slack, sender, adapter, "/merchant", "M-10001")
    _, view, _ = await open_form(slack, sender, adapter, card, "Tag")
    assert view is not None
    menu = view["blocks"][-1]["element"]
    assert [o["value"] for o in menu["initial_options"]] == ["settlement/delayed"]
    unchanged = await submit(sender, adapter, view, tags_state(["settlement/delayed"]))
    assert "already" in unchanged[TAGS]
    gone = await submit(sender, adapter, view, tags_state(["made/up"]))
    assert "made/up" in gone[TAGS]
    assert await submit(sender, adapter, view, tags_state(["device/offline"])) == {}
    on = [mark.tag for mark in await store_of(tester).record.tags_on(merchant_id="M-10001")]
    assert on == ["device/offline"]


async def test_the_logged_contacts_card_points_its_buttons_at_the_interaction(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    card = await ask(slack, sender, adapter, "/log", "M-10001 #settlement/delayed")
    opened = await store_of(tester).record.open_interaction_of(AGENT)
    assert opened is not None
    _, view, _ = await open_form(slack, sender, adapter, card, "Add note")
    assert view is not None and opened.ref in text_of(view)
    assert await submit(sender, adapter, view, note_state("promised a callback")) == {}
    [note_row] = await store_of(tester).record.notes(interaction_ref=opened.ref)
    assert note_row.text == "promised a callback"
    _, tag_form, _ = await open_form(slack, sender, adapter, card, "Tag")
    assert tag_form is not None
    picked = tag_form["blocks"][-1]["element"]["initial_options"]
    assert [o["value"] for o in picked] == ["settlement/delayed"]


async def test_save_this_number_asks_whose_it_is_and_saves_it_after_the_confirmation(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    card = await ask(slack, sender, adapter, "/merchant", UNKNOWN)
    assert "Save this number" in labels(card)
    # The number stays on the server: the button's value is only the stored state's id.
    assert button(card, "supportbot.button", "Save this number")["value"].count("+62") == 0
    url, view, _ = await open_form(slack, sender, adapter, card, "Save this number")
    assert view is not None and UNKNOWN in text_of(view)
    wrong = await submit(sender, adapter, view, merchant_state("Toko Sinar"))
    assert '"Toko Sinar"' in wrong[MERCHANT] and "M-10001" in wrong[MERCHANT]
    assert (
        "Merchant id is needed"
        in (await submit(sender, adapter, view, merchant_state("")))[MERCHANT]
    )
    assert await submit(sender, adapter, view, merchant_state("m-10001")) == {}
    [question] = [post.body for post in slack.responses_to(url)]
    assert "Toko Sinar Jaya" in text_of(question)
    assert await store_of(tester).record.alias(UNKNOWN_E164) is None  # not before the confirm
    await click_confirm(slack, sender, adapter, question)
    saved = await store_of(tester).record.alias(UNKNOWN_E164)
    assert saved is not None and saved.merchant_id == "M-10001"
    found = await ask(slack, sender, adapter, "/merchant", UNKNOWN)
    assert "Toko Sinar Jaya" in text_of(found)


async def test_a_stale_card_says_the_number_was_saved_meanwhile(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    card = await ask(slack, sender, adapter, "/merchant", UNKNOWN)
    question = await ask(slack, sender, adapter, "/alias", f"{UNKNOWN} M-10001")
    await click_confirm(slack, sender, adapter, question)
    _, view, [note] = await open_form(slack, sender, adapter, card, "Save this number")
    assert view is None
    assert "was saved for M-10001 since this card was posted" in text_of(note)


async def test_when_slack_will_not_open_the_form_the_command_to_type_is_given(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    card = await ask(slack, sender, adapter, "/merchant", "M-10001")
    slack.fail_next("views.open", status=200)  # {"ok": false}: an expired trigger
    _, view, [note] = await open_form(slack, sender, adapter, card, "Add note")
    assert view is None
    assert "Slack did not open the form: Slack had a problem on its side" in text_of(note)
    assert "fatal_error" not in text_of(note)  # Slack's code goes to the log, not to the agent
    assert "/note M-10001 &lt;note&gt;" in text_of(note)  # escaped, as Slack wants


async def test_someone_the_command_is_not_for_gets_its_refusal_and_no_form(
    slack: FakeSlack, tmp_path: Path
) -> None:
    settings = bot_settings(
        tmp_path,
        roles={"lead": {"members": [OTHER], "description": "support leads"}},
        command_roles={"note": ["lead"]},
    )
    async with slack_bot(slack, settings) as (tester, adapter):
        async with signed_sender(adapter) as signed:
            card = await ask(slack, signed, adapter, "/merchant", "M-10001")
            _, view, [refusal] = await open_form(slack, signed, adapter, card, "Add note")
            assert view is None and "lead" in text_of(refusal)
            _, lead_view, _ = await open_form(
                slack, signed, adapter, card, "Add note", user_id=OTHER
            )
            assert lead_view is not None
        assert await store_of(tester).record.notes(merchant_id="M-10001") == []


async def test_an_unknown_callers_card_in_the_channel_can_save_the_number(
    slack: FakeSlack, tmp_path: Path
) -> None:
    """The incoming-call webhook posts the card to `[record] incoming_channel` with Add note,
    Tag and Save this number; whoever takes the call saves the number from there."""
    settings = bot_settings(tmp_path, record={"incoming_channel": "C0CALLS"})
    async with slack_bot(slack, settings) as (tester, adapter):
        me = User(id=adapter.identity.bot_user_id, name="supportbot")
        poster = SlackCardPoster(adapter.outbox, settings, adapter.replies, me)
        endpoint = CallsEndpoint(tester.bot, "s3cret", poster)
        async with serve_calls(endpoint) as url, httpx.AsyncClient() as client:
            body = json.dumps({"from": UNKNOWN, "call_id": "c-1", "status": "ringing"}).encode()
            stamp = int(time.time())
            headers = {
                "Content-Type": "application/json",
                "X-Supportbot-Timestamp": str(stamp),
                "X-Supportbot-Signature": sign("s3cret", body, stamp),
            }
            assert (await client.post(url, content=body, headers=headers)).status_code == 200
        [posted] = [c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == "C0CALLS"]
        card = {"blocks": posted.args["blocks"]}
        assert {"Add note", "Tag", "Save this number"} <= set(labels(card))
        assert "0899-1234-5678" not in json.dumps(card)  # a channel's card is masked
        async with signed_sender(adapter) as signed:
            url_, view, _ = await open_form(slack, signed, adapter, card, "Save this number")
            assert view is not None
            assert await submit(signed, adapter, view, merchant_state("M-10001")) == {}
            [question] = [post.body for post in slack.responses_to(url_)]
            await click_confirm(slack, signed, adapter, question)
        saved = await store_of(tester).record.alias(UNKNOWN_E164)
        assert saved is not None and saved.merchant_id == "M-10001" and saved.saved_by == AGENT


def test_slacks_refusals_reach_the_agent_in_words_never_as_codes() -> None:
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_slack_response import AsyncSlackResponse

    from supportbot.slack._modals import why_slack_refused

    def refusal(code: str) -> SlackApiError:
        response = AsyncSlackResponse(
            client=None,  # type: ignore[arg-type]
            http_verb="POST",
            api_url="https://slack.com/api/views.open",
            req_args={},
            data={"ok": False, "error": code},
            headers={},
            status_code=200,
        )
        return SlackApiError(code, response)

    assert (
        why_slack_refused(refusal("expired_trigger_id")) == "the click was more than 3 seconds ago"
    )
    assert "token" in why_slack_refused(refusal("invalid_auth"))
    assert why_slack_refused(refusal("something_new")) == "Slack answered something_new"
    assert why_slack_refused(TimeoutError()) == "Slack could not be reached"
