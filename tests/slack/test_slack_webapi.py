"""The Web API done right: rate limits honoured (Retry-After), server errors retried, posts
paced per channel; and the Slack-correct flow (edits and bots ignored, the slash answer as a
message of its own, acks that name the command as typed)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from supportbot.slack import SlackAdapter, serve_http
from supportbot.slack._pacing import ChannelPacer
from supportbot.slack.testing import FakeSlack, SlackSender, SlackSigner, app_mention_event

from .conftest import AGENT, SIGNING_SECRET, bot_settings, slack_bot


def _text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


async def test_a_429_with_retry_after_still_delivers_the_answer(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    slack.rate_limit("chat.postEphemeral", times=1, retry_after_s=1)
    started = time.monotonic()
    await sender.event(app_mention_event("merchant M-10001"))
    await adapter.drain(15)
    calls = slack.calls_to("chat.postEphemeral")
    assert len(calls) == 2  # refused once, then taken
    assert calls[1].at - calls[0].at >= 1.0  # Retry-After was honoured
    assert "Toko Sinar Jaya" in _text(calls[1].args) and calls[1].args["user"] == AGENT
    assert time.monotonic() - started < 10


async def test_a_rate_limited_or_failing_response_url_is_retried(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    slack.rate_limit("response_url", times=1, retry_after_s=1)
    url = slack.new_response_url()
    await sender.command("/merchant", "M-10001", response_url=url)
    await adapter.drain(15)
    posts = slack.responses_to(url)
    assert len(posts) == 2 and "Toko Sinar Jaya" in _text(posts[1].body)
    slack.fail_next("response_url", times=1, status=503)
    again = slack.new_response_url()
    await sender.command("/help", response_url=again)
    await adapter.drain(15)
    assert len(slack.responses_to(again)) == 2
    assert slack.calls_to("chat.postEphemeral") == []  # no fallback was needed


async def test_the_slash_answer_is_its_own_message_under_the_ack(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    url = slack.new_response_url()
    ack = await sender.command("/merchant", "M-10001", response_url=url)
    assert ack.json()["response_type"] == "ephemeral" and "Looking up" in ack.json()["text"]
    await adapter.drain(10)
    [answer] = slack.responses_to(url)
    assert answer.body["replace_original"] is False
    assert slack.problems == []  # the fake flags replace_original on a slash response_url


async def test_the_fake_flags_replace_original_on_a_slash_commands_response_url(
    slack: FakeSlack,
) -> None:
    import aiohttp

    url = slack.new_response_url()
    message_url = slack.new_response_url("message")
    body = {"text": "x", "replace_original": True}
    async with aiohttp.ClientSession() as session:
        for target in (url, message_url):
            async with session.post(target, json=body) as response:
                assert response.status == 200
    assert slack.problems == [("response_url", "replace_original_ignored")]


async def test_an_edited_mention_and_other_bots_run_nothing(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    edited = {**app_mention_event("merchant M-10001"), "edited": {"user": AGENT, "ts": "1.2"}}
    other_bot = {**app_mention_event("merchant M-10001"), "bot_id": "B0OTHER", "user": "U0OTHERBOT"}
    bot_message = {**app_mention_event("merchant M-10001"), "subtype": "bot_message"}
    own = {**app_mention_event("merchant M-10001"), "user": "U0BOT"}
    for event in (edited, other_bot, bot_message, own):
        sent = await sender.event(event)
        assert sent.status == 200
    await adapter.drain(10)
    assert slack.calls_to("chat.postEphemeral") == [] and slack.calls_to("chat.postMessage") == []
    assert slack.calls_to("users.info") == []


async def test_a_command_renamed_for_slack_is_acked_as_typed(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    url = slack.new_response_url()
    ack = await sender.command("/sb-status", "", response_url=url)
    assert "/sb-status" in ack.json()["text"]


def test_posts_to_one_channel_are_paced_after_a_small_burst() -> None:
    now = [100.0]
    pacer = ChannelPacer(per_s=1.0, burst=3, clock=lambda: now[0])
    assert [pacer.delay("C1") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert pacer.delay("C1") == 1.0 and pacer.delay("C1") == 2.0
    assert pacer.delay("C2") == 0.0  # another channel has its own pace
    now[0] += 10
    assert pacer.delay("C1") == 0.0


async def test_with_a_prefix_commands_route_and_help_names_them_as_typed(
    slack: FakeSlack, tmp_path: Path
) -> None:
    settings = bot_settings(tmp_path, slack={"prefix": "sb-"})
    async with slack_bot(slack, settings) as (_, adapter):
        async with serve_http(adapter, host="127.0.0.1", port=0) as base:
            async with SlackSender(base, SlackSigner(SIGNING_SECRET)) as sender:
                url = slack.new_response_url()
                ack = await sender.command("/sb-merchant", "M-10001", response_url=url)
                assert ack.json()["text"].startswith("Looking up /sb-merchant")
                help_url = slack.new_response_url()
                await sender.command("/sb-help", response_url=help_url)
                await adapter.drain(10)
    assert "Toko Sinar Jaya" in _text(slack.responses_to(url)[0].body)
    [help_answer] = slack.responses_to(help_url)
    shown = _text(help_answer.body)
    assert "/sb-merchant" in shown and "/sb-help" in shown
    assert re.search(r"(?<![\w-])/merchant\b", shown) is None
