"""HTTP mode end to end: requests signed as Slack signs them, answers recorded by a fake Slack."""

from __future__ import annotations

import json
import time
from typing import Any

import aiohttp
import pytest

from supportbot import ConfigError, Settings
from supportbot.sample import SHARED_PHONE
from supportbot.slack import SlackAdapter, SlackConnection, connect_slack, open_slack, serve_http
from supportbot.slack.testing import (
    FakeSlack,
    SlackSender,
    app_mention_event,
    direct_message_event,
    form_body,
    slash_command,
)
from supportbot.testing import BotTester

from .conftest import AGENT


def header(body: dict[str, Any]) -> str:
    return next(b["text"]["text"] for b in body["blocks"] if b["type"] == "header")


def all_text(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False)


async def audit_count(tester: BotTester) -> int:
    store = tester.bot.store
    assert store is not None
    return len(await store.audit.query(limit=1000))


async def test_a_slash_command_is_acked_at_once_then_the_card_arrives(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    url = slack.new_response_url()
    sent = await sender.command("/merchant", "0812-3456-7890", response_url=url)
    assert sent.status == 200 and sent.elapsed_s < 3
    ack = sent.json()
    assert ack["response_type"] == "ephemeral"
    assert ack["text"] == "Looking up /merchant 0812-••••-7890…"
    await slack.wait_for(lambda: bool(slack.responses_to(url)))
    card = slack.responses_to(url)[0].body
    assert header(card) == "Toko Sinar Jaya · M-10001"
    assert card["response_type"] == "ephemeral" and card["replace_original"] is False
    assert "Budi Santoso" in all_text(card)
    assert "Share in channel" in all_text(card)
    assert slack.problems == []


async def test_the_user_is_resolved_with_email_and_groups(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    url = slack.new_response_url()
    await sender.command("/help", response_url=url)
    await adapter.drain(10)
    store = tester.bot.store
    assert store is not None
    [entry] = await store.audit.query(limit=10)
    assert (entry.user_id, entry.user_name, entry.adapter) == (AGENT, "rina", "slack")
    user = await adapter.users.resolve(AGENT)
    assert user.email == "rina@example.id" and "support-weekend" in user.groups


async def test_a_redelivery_with_a_retry_header_does_not_run_again(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    url = slack.new_response_url()
    fields = slash_command("/merchant", "M-10001", response_url=url, trigger_id="1.2.replayed")
    body = form_body(fields)
    first = await sender.post(body, content_type="application/x-www-form-urlencoded")
    again = await sender.post(body, content_type="application/x-www-form-urlencoded", retry_num=1)
    assert first.status == 200 and again.status == 200
    assert again.text == ""
    await adapter.drain(10)
    assert len(slack.responses_to(url)) == 1
    assert await audit_count(tester) == 1


async def test_a_bad_signature_or_a_stale_timestamp_is_refused_and_runs_nothing(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    url = slack.new_response_url()
    body = form_body(slash_command("/merchant", "M-10001", response_url=url))
    form = "application/x-www-form-urlencoded"
    forged = sender.signer.headers(body, content_type=form)
    forged["X-Slack-Signature"] = "v0=" + "0" * 64
    stale = int(time.time()) - 6 * 60
    results = [
        await sender.post(body, content_type=form, headers=forged),
        await sender.post(body, content_type=form, timestamp=stale),
        await sender.post(body, content_type=form, headers={}),
    ]
    assert [r.status for r in results] == [401, 401, 401]
    await adapter.drain(10)
    assert slack.responses == [] and await audit_count(tester) == 0


async def test_a_mention_in_a_channel_answers_the_requester_only(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    sent = await sender.event(app_mention_event("merchant M-10001"))
    assert sent.status == 200
    await adapter.drain(10)
    [call] = slack.calls_to("chat.postEphemeral")
    assert call.args["user"] == AGENT and call.args["channel"] == "C0SUPPORT"
    assert "Toko Sinar Jaya" in all_text(call.args)
    assert slack.calls_to("chat.postMessage") == []


async def test_plain_text_in_a_dm_runs_the_command(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    await sender.event(direct_message_event("transaction TX-1042"))
    await adapter.drain(10)
    [call] = slack.calls_to("chat.postMessage")
    assert call.args["channel"] == "D0AGENT"
    assert "TX-1042" in all_text(call.args)
    assert "Share in channel" not in all_text(call.args)  # a DM is already private


async def test_a_repeated_event_is_answered_once(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    event = direct_message_event("help")
    await sender.event(event, event_id="Ev0SAME")
    await sender.event(event, event_id="Ev0SAME", retry_num=1)
    await sender.event(event, event_id="Ev0SAME", retry_num=2)
    await adapter.drain(10)
    assert len(slack.calls_to("chat.postMessage")) == 1


async def test_the_bots_own_messages_and_other_events_are_acknowledged_and_ignored(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    own = {**direct_message_event("echo"), "user": "U0BOT", "bot_id": "B0BOT"}
    joined = {"type": "member_joined_channel", "user": AGENT, "channel": "C0SUPPORT"}
    edited = {**direct_message_event("help"), "subtype": "message_changed"}
    for event in (own, joined, edited):
        sent = await sender.event(event)
        assert sent.status == 200, sent.text
    await adapter.drain(10)
    assert slack.calls_to("chat.postMessage") == []


async def test_url_verification_answers_the_challenge(sender: SlackSender) -> None:
    body = json.dumps({"token": "t", "challenge": "3eZbrw1a", "type": "url_verification"})
    sent = await sender.post(body, content_type="application/json")
    assert sent.status == 200 and "3eZbrw1a" in sent.text


async def test_health_and_readiness(http_url: str) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{http_url}/healthz") as response:
            assert response.status == 200
        async with session.get(f"{http_url}/readyz") as response:
            assert response.status == 200 and (await response.json())["ready"] is True


async def test_a_shared_phone_gives_pick_buttons_that_carry_only_an_id(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    url = slack.new_response_url()
    await sender.command("/merchant", SHARED_PHONE, response_url=url)
    await adapter.drain(10)
    body = slack.responses_to(url)[0].body
    buttons = [b["accessory"] for b in body["blocks"] if "accessory" in b]
    assert len(buttons) == 2
    assert all("/merchant" not in b["value"] and len(b["value"]) < 30 for b in buttons)


async def test_an_expired_response_url_falls_back_to_the_web_api(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    gone = f"{slack.base_url}/expired/response-url"
    await sender.command("/help", response_url=gone)
    await adapter.drain(10)
    [call] = slack.calls_to("chat.postEphemeral")
    assert call.args["user"] == AGENT and "Commands" in all_text(call.args)


async def test_http_mode_refuses_to_serve_without_signature_checks(
    tester: BotTester, connection: SlackConnection
) -> None:
    async with open_slack(tester.bot, connection) as bare:
        with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
            async with serve_http(bare, host="127.0.0.1", port=0):
                pass


async def test_a_refused_bot_token_fails_the_start_naming_it(
    slack: FakeSlack, settings: Settings
) -> None:
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN.*invalid_auth"):
        async with connect_slack(settings, bot_token="xoxb-wrong", api_url=slack.api_url):
            pass
