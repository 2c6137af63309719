"""Logging contacts from Slack: the message shortcut "Log this conversation" (a form prefilled
from the message) and `@supportbot log` in a thread (the thread's customer). Both run `/log`,
so the contact lands on the merchant's timeline with its tags, note and link."""

from __future__ import annotations

import json
from typing import Any

from supportbot.slack import SlackAdapter, build_manifest
from supportbot.slack._log_form import CUSTOMER, FIELD, LINK, MOOD, NOTE, TAGS
from supportbot.slack._shortcut import LOG_SHORTCUT
from supportbot.slack.testing import (
    FakeSlack,
    SentRequest,
    SlackSender,
    app_mention_event,
    message_action,
    text_value,
    view_submission,
)
from supportbot.storage import Store
from supportbot.testing import BotTester

from .conftest import AGENT, OTHER

THREAD = "1700000000.000300"


def store_of(tester: BotTester) -> Store:
    store = tester.bot.store
    assert store is not None
    return store


async def choose(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, text: str, **kw: Any
) -> tuple[str, dict[str, Any]]:
    url = slack.new_response_url("message")
    sent = await sender.click(message_action(LOG_SHORTCUT, text, response_url=url, **kw))
    assert sent.status == 200 and sent.text == ""
    await adapter.drain(10)
    [view] = slack.opened_views[-1:]
    assert slack.problems == []
    return url, view


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


def state(
    customer: str, *, tags: list[str] = (), note: str = "", mood: str = "", link: str = ""
) -> dict[str, Any]:
    chosen = [{"value": tag} for tag in tags]
    mood_value = {"selected_option": {"value": mood}} if mood else {"selected_option": None}
    return {
        CUSTOMER: {FIELD: text_value(customer)},
        TAGS: {FIELD: {"type": "multi_static_select", "selected_options": chosen}},
        NOTE: {FIELD: text_value(note)},
        MOOD: {FIELD: {"type": "static_select", **mood_value}},
        LINK: {FIELD: text_value(link)},
    }


async def submit(
    sender: SlackSender,
    adapter: SlackAdapter,
    view: dict[str, Any],
    values: dict[str, Any],
    *,
    user_id: str = AGENT,
) -> dict[str, str]:
    sent: SentRequest = await sender.click(view_submission(view, values, user_id=user_id))
    assert sent.status == 200
    await adapter.drain(10)
    if not sent.text:
        return {}
    body = sent.json()
    assert body["response_action"] == "errors"
    errors: dict[str, str] = body["errors"]
    return errors


async def test_the_shortcut_opens_a_form_prefilled_from_the_message(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    _, view = await choose(
        slack, sender, adapter, "Halo, saya 0812-3456-7890, atau email sinar@example.id"
    )
    fields = inputs(view)
    assert fields[CUSTOMER]["element"]["initial_value"] == "sinar@example.id"
    assert "0812-3456-7890" in fields[CUSTOMER]["hint"]["text"]  # the other one found
    link = fields[LINK]["element"]["initial_value"]
    assert link == "https://fake.slack.example/archives/C0SUPPORT/p1700000000000200"
    groups = fields[TAGS]["element"]["option_groups"]
    tags = [option["value"] for group in groups for option in group["options"]]
    assert "settlement/delayed" in tags
    assert fields[TAGS]["element"]["max_selected_items"] == 5


async def test_submitting_logs_the_contact_on_the_merchants_timeline(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    url, view = await choose(slack, sender, adapter, "pelanggan 0812-3456-7890 minta bantuan")
    link = inputs(view)[LINK]["element"]["initial_value"]
    values = state(
        "0812-3456-7890",
        tags=["settlement/delayed"],
        note="asks where Tuesday's money is",
        mood="frustrated",
        link=link,
    )
    assert await submit(sender, adapter, view, values) == {}
    [answer] = [post.body for post in slack.responses_to(url)]
    assert answer["response_type"] == "ephemeral" and "Toko Sinar Jaya" in json.dumps(answer)
    assert "Logged I-" in json.dumps(answer)
    store = store_of(tester)
    opened = await store.record.open_interaction_of(AGENT)
    assert opened is not None and opened.merchant_id == "M-10001"
    assert opened.conversation_link == link and opened.mood == "frustrated"
    assert (await store.record.tags_of_interactions([opened.ref]))[opened.ref] == [
        "settlement/delayed"
    ]
    [note] = await store.record.notes(interaction_ref=opened.ref)
    assert note.text == "asks where Tuesday's money is"


async def test_wrong_fields_are_named_under_each_field_and_nothing_is_logged(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    url, view = await choose(slack, sender, adapter, "thanks, all good")
    assert "initial_value" not in inputs(view)[CUSTOMER]["element"]
    assert "Nothing found" in inputs(view)[CUSTOMER]["hint"]["text"]
    empty = await submit(sender, adapter, view, state(""))
    assert "Customer is needed" in empty[CUSTOMER]
    errors = await submit(
        sender,
        adapter,
        view,
        state("not a customer", tags=["made/up"], note="#1 asks", link="javascript:alert(1)"),
    )
    assert set(errors) == {CUSTOMER, TAGS, NOTE, LINK}
    assert "not a customer" in errors[CUSTOMER] and "made/up" in errors[TAGS]
    huge = await submit(sender, adapter, view, state("M-10001", note="x" * 2001))
    assert "2,001 characters" in huge[NOTE]
    assert await store_of(tester).record.open_interaction_of(AGENT) is None
    assert slack.responses_to(url) == []


async def test_the_form_is_the_openers_only(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    _, view = await choose(slack, sender, adapter, "M-10001")
    errors = await submit(sender, adapter, view, state("M-10001"), user_id=OTHER)
    assert "opened for rina" in errors[CUSTOMER]
    assert await store_of(tester).record.open_interaction_of(OTHER) is None


async def test_unicode_and_control_characters_in_the_message_are_harmless(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    _, view = await choose(slack, sender, adapter, "\u202eToko\x1b[31m ✓ M-10001 " + "ü" * 6000)
    assert inputs(view)[CUSTOMER]["element"]["initial_value"] == "M-10001"


async def mention(
    slack: FakeSlack,
    sender: SlackSender,
    adapter: SlackAdapter,
    text: str,
    *,
    channel: str = "C0SUPPORT",
) -> None:
    sent = await sender.event(app_mention_event(text, channel=channel, thread_ts=THREAD))
    assert sent.status == 200
    await adapter.drain(10)


async def test_a_mention_in_a_thread_logs_the_threads_customer(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    slack.add_thread(
        "C0SUPPORT",
        THREAD,
        [("U0CUSTOMER", "my shop's money is late"), ("U0CUSTOMER", "my number: 0812-3456-7890")],
    )
    await mention(slack, sender, adapter, "log #settlement/delayed asked twice")
    opened = await store_of(tester).record.open_interaction_of(AGENT)
    assert opened is not None and opened.merchant_id == "M-10001"
    assert opened.conversation_link == (
        "https://fake.slack.example/archives/C0SUPPORT/p1700000000000300"
    )
    [reply] = slack.calls_to("chat.postEphemeral")
    assert reply.args["thread_ts"] == THREAD and "Logged I-" in json.dumps(reply.args)


async def test_a_bare_mention_in_a_thread_logs_it_too_and_a_named_customer_wins(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    slack.add_thread("C0SUPPORT", THREAD, [("U0CUSTOMER", "M-10002 here")])
    await mention(slack, sender, adapter, "log M-10001 --channel chat")
    opened = await store_of(tester).record.open_interaction_of(AGENT)
    assert opened is not None and opened.merchant_id == "M-10001"
    assert (
        opened.conversation_link is not None and THREAD.replace(".", "") in opened.conversation_link
    )


async def test_a_thread_without_a_customer_is_told_what_to_do(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    slack.add_thread("C0SUPPORT", THREAD, [("U0CUSTOMER", "hello?")])
    await mention(slack, sender, adapter, "")
    [reply] = slack.calls_to("chat.postEphemeral")
    assert "no phone number, email or merchant id in this thread" in json.dumps(reply.args)
    assert await store_of(tester).record.open_interaction_of(AGENT) is None


async def test_a_thread_the_bot_cannot_read_is_answered_not_dropped(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    slack.private("G0PRIVATE")
    await mention(slack, sender, adapter, "log", channel="G0PRIVATE")
    assert slack.calls_to("conversations.replies")
    [told] = [c.args for c in slack.calls_to("chat.postMessage") if c.args["channel"] == AGENT]
    assert "could not read this thread (the bot cannot see this channel)" in json.dumps(told)
    assert await store_of(tester).record.open_interaction_of(AGENT) is None


async def test_other_mentions_in_a_thread_run_as_before(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    await mention(slack, sender, adapter, "merchant M-10001")
    assert slack.calls_to("conversations.replies") == []


def test_the_manifest_has_the_shortcut_the_home_tab_and_the_thread_scopes(
    tester: BotTester,
) -> None:
    manifest = build_manifest(list(tester.bot.registry), name="supportbot")
    shortcuts = {s["callback_id"]: s["name"] for s in manifest["features"]["shortcuts"]}
    assert shortcuts[LOG_SHORTCUT] == "Log this conversation"
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert "app_home_opened" in manifest["settings"]["event_subscriptions"]["bot_events"]
    assert {"channels:history", "groups:history"} <= set(manifest["oauth_config"]["scopes"]["bot"])
