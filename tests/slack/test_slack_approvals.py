"""Actions in Slack: confirm, then the approval request in the channel, approved by a lead (never
the requester), run once; a failed action's Escalate without an engineering channel."""

from __future__ import annotations

import json
from typing import Any

from supportbot.slack import SlackAdapter
from supportbot.slack.testing import FakeSlack, SlackSender
from supportbot.testing import BotTester

from .conftest import AGENT
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


async def test_a_pin_reset_is_approved_in_the_channel_by_another_lead(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    _add_leads(slack)
    question = await ask(slack, sender, adapter, "/reset-pin", "M-10001")
    assert "0812-••••-7890" in text_of(question) and "lead" in text_of(question)
    _, [sent] = await click(
        slack, sender, adapter, button(question, "supportbot.button", "Confirm")
    )
    assert "Sent /reset-pin for approval" in text_of(sent)
    assert tester.sample.pin_resets("M-10001") == []
    # The request is posted where leads can see it, with no raw phone number.
    [request] = [_blocks(p) for p in _posted(slack) if "approval" in text_of(_blocks(p))]
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
    # The requester is told, where they asked, that it was approved and what happened.
    [note] = [c.args for c in slack.calls_to("chat.postEphemeral") if c.args["user"] == AGENT]
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
    [request] = [_blocks(p) for p in _posted(slack) if "approval" in text_of(_blocks(p))]
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
    [request] = [_blocks(p) for p in _posted(slack) if "approval" in text_of(_blocks(p))]
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
    [note] = [c.args for c in slack.calls_to("chat.postEphemeral") if c.args["user"] == AGENT]
    assert "turned down your /reset-pin" in str(note)
    assert tester.sample.pin_resets() == []
