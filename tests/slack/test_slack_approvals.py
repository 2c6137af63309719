"""Actions in Slack: confirm, then the approval request in the channel, approved by a lead (never
the requester), run once; a failed action's Escalate without an engineering channel."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from supportbot.slack import SlackAdapter, serve_http
from supportbot.slack.testing import FakeSlack, SlackSender, SlackSigner, direct_message_event
from supportbot.testing import BotTester

from .conftest import AGENT, SIGNING_SECRET, bot_settings, slack_bot
from .test_slack_interactivity import ask, button, click, text_of

LEAD = "U0LEAD"
OTHER_LEAD = "U0LEAD2"


def _add_leads(slack: FakeSlack) -> None:
    slack.add_user(LEAD, "lina", real_name="Lina", email="lina@example.id")
    slack.add_user(OTHER_LEAD, "dewi", real_name="Dewi", email="dewi@example.id")
    # config/supportbot.toml grants the lead role to the `support-leads` user group.
    slack.add_group("S0LEADS", "support-leads", [LEAD, OTHER_LEAD])


def _posted(slack: FakeSlack) -> list[dict[str, Any]]:
    return [call.args for call in slack.calls_to("chat.postMessage")]


def _blocks(args: dict[str, Any]) -> dict[str, Any]:
    blocks = args["blocks"]
    return {"blocks": json.loads(blocks) if isinstance(blocks, str) else blocks}


def _requests(slack: FakeSlack, channel: str) -> list[dict[str, Any]]:
    """The approval requests posted to `channel` (a user id: that person's DM)."""
    return [
        _blocks(p)
        for p in _posted(slack)
        if p["channel"] == channel and "Approval needed" in text_of(_blocks(p))
    ]


async def test_a_pin_reset_is_approved_in_the_channel_by_another_lead(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    _add_leads(slack)
    question = await ask(slack, sender, adapter, "/reset-pin", "M-10001")
    # The requester reads the number back; the channel's approval request gets it masked.
    assert "0812-3456-7890" in text_of(question) and "lead" in text_of(question)
    _, [sent] = await click(
        slack, sender, adapter, button(question, "supportbot.button", "Confirm")
    )
    assert "Sent /reset-pin for approval" in text_of(sent)
    assert tester.sample.pin_resets("M-10001") == []
    [request] = _requests(slack, LEAD)
    # Without an approvals channel the request goes to each lead by DM, with no raw phone
    # number, saying what is to be approved, by whom, until when.
    assert "/reset-pin M-10001" in text_of(request) and "rina" in text_of(request)
    assert "expires at" in text_of(request)
    assert len(_requests(slack, OTHER_LEAD)) == 1 and _requests(slack, AGENT) == []
    assert "+6281234567890" not in text_of(request) and "0812-3456-7890" not in text_of(request)
    approve = button(request, "supportbot.button", "Approve")
    # The requester cannot approve their own request; the buttons stay for someone else.
    _, [own] = await click(slack, sender, adapter, approve, user_id=AGENT, ephemeral=False)
    assert "cannot approve it yourself" in text_of(own) and own["replace_original"] is False
    _, [done] = await click(
        slack, sender, adapter, approve, user_id=LEAD, user_name="lina", ephemeral=False
    )
    assert "was reset" in text_of(done)
    assert len(tester.sample.pin_resets("M-10001")) == 1
    # The requester is told by DM that it was approved and what happened.
    [note] = [c.args for c in slack.calls_to("chat.postMessage") if c.args["channel"] == AGENT]
    assert "approved your /reset-pin" in str(note) and "was reset" in str(note)
    assert "+6281234567890" not in str(note) and "0812-3456-7890" not in str(note)
    # A second lead clicking too changes nothing more.
    _, [late] = await click(
        slack, sender, adapter, approve, user_id=OTHER_LEAD, user_name="dewi", ephemeral=False
    )
    assert "Already done" in text_of(late)
    assert len(tester.sample.pin_resets("M-10001")) == 1


async def test_someone_without_the_role_cannot_approve(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    _add_leads(slack)
    question = await ask(slack, sender, adapter, "/reset-pin", "M-10001")
    await click(slack, sender, adapter, button(question, "supportbot.button", "Confirm"))
    [request] = _requests(slack, LEAD)
    slack.add_user("U0AGENT2", "budi2", real_name="Budi", email="budi2@example.id")
    _, [refused] = await click(
        slack,
        sender,
        adapter,
        button(request, "supportbot.button", "Approve"),
        user_id="U0AGENT2",
        ephemeral=False,
    )
    assert "Only a member of the lead role" in text_of(refused)
    assert tester.sample.pin_resets("M-10001") == []


async def test_a_rejection_is_told_to_the_requester_and_nothing_runs(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    _add_leads(slack)
    question = await ask(slack, sender, adapter, "/reset-pin", "M-10001")
    await click(slack, sender, adapter, button(question, "supportbot.button", "Confirm"))
    [request] = _requests(slack, LEAD)
    _, [answer] = await click(
        slack,
        sender,
        adapter,
        button(request, "supportbot.button", "Reject"),
        user_id=LEAD,
        user_name="lina",
        ephemeral=False,
    )
    assert "turned down" in text_of(answer)
    [note] = [c.args for c in slack.calls_to("chat.postMessage") if c.args["channel"] == AGENT]
    assert "turned down your /reset-pin" in str(note)
    assert tester.sample.pin_resets() == []


@pytest.fixture
async def with_channel(
    slack: FakeSlack, tmp_path: Path
) -> AsyncIterator[tuple[SlackSender, SlackAdapter]]:
    settings = bot_settings(tmp_path, slack={"approvals_channel": "C0APPROVE"})
    async with slack_bot(slack, settings) as (_, adapter):
        async with serve_http(adapter, host="127.0.0.1", port=0) as url:
            async with SlackSender(url, SlackSigner(SIGNING_SECRET)) as sender:
                yield sender, adapter


async def test_from_a_dm_the_request_reaches_the_approvals_channel(
    slack: FakeSlack, with_channel: tuple[SlackSender, SlackAdapter]
) -> None:
    _add_leads(slack)
    sender, adapter = with_channel
    await sender.event(direct_message_event("reset-pin M-10001"))
    await adapter.drain(10)
    [question] = [_blocks(c.args) for c in slack.calls_to("chat.postMessage")]
    _, [sent] = await click(
        slack,
        sender,
        adapter,
        button(question, "supportbot.button", "Confirm"),
        channel_id="D0AGENT",
    )
    assert "Sent /reset-pin for approval" in text_of(sent)
    [request] = _requests(slack, "C0APPROVE")
    assert _requests(slack, "D0AGENT") == []  # never (only) the requester's own DM
    assert "0812-3456-7890" not in text_of(request) and "/reset-pin M-10001" in text_of(request)
    _, [done] = await click(
        slack,
        sender,
        adapter,
        button(request, "supportbot.button", "Approve"),
        user_id=LEAD,
        user_name="lina",
        ephemeral=False,
    )
    assert "was reset" in text_of(done)


async def test_an_approvals_channel_the_bot_cannot_post_in_withdraws_the_request(
    slack: FakeSlack,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _add_leads(slack)
    slack.private("C0APPROVE")
    settings = bot_settings(tmp_path, slack={"approvals_channel": "C0APPROVE"})
    async with slack_bot(slack, settings) as (tester, adapter):
        assert "approvals_channel 'C0APPROVE'" in caplog.text  # said at start
        async with serve_http(adapter, host="127.0.0.1", port=0) as url:
            async with SlackSender(url, SlackSigner(SIGNING_SECRET)) as sender:
                question = await ask(slack, sender, adapter, "/reset-pin", "M-10001")
                _, notes = await click(
                    slack, sender, adapter, button(question, "supportbot.button", "Confirm")
                )
                shown = " ".join(text_of(note) for note in notes)
                assert "could not be posted to" in shown and "channel_not_found" in shown
                assert "withdrawn" in shown
                waiting = await tester.bot.actions.waiting_for_approval()
                assert waiting == []
