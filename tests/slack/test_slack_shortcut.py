"""The message shortcut "Look up this customer": what a message names is looked up, and the
card goes to the person who chose the shortcut only."""

from __future__ import annotations

import json
import time
from typing import Any

from supportbot.slack import SlackAdapter
from supportbot.slack._shortcut import LOOKUP_SHORTCUT, customer_references
from supportbot.slack.testing import FakeSlack, SlackSender

from .conftest import AGENT


def message_action(text: str, *, user: str = AGENT) -> dict[str, Any]:
    """A `message_action` payload as Slack sends it for a message shortcut."""
    return {
        "type": "message_action",
        "callback_id": LOOKUP_SHORTCUT,
        "trigger_id": f"{time.time():.6f}.shortcut",
        "action_ts": f"{time.time():.6f}",
        "team": {"id": "T0FAKE", "domain": "fake"},
        "user": {"id": user, "name": "agent", "team_id": "T0FAKE"},
        "channel": {"id": "C0SUPPORT", "name": "support"},
        "message": {"type": "message", "user": "U0CUSTOMER", "text": text, "ts": "1.2"},
        "response_url": "http://127.0.0.1:9/unused",
    }


def test_references_are_found_in_any_usual_form() -> None:
    text = "Hi, I'm <mailto:sinar@example.id|sinar@example.id>, call 0812-3456-7890 (M-10001)"
    assert customer_references(text, "ID") == ["M-10001", "sinar@example.id", "0812-3456-7890"]
    assert customer_references("no customer here, order 12", "ID") == []


async def test_the_shortcut_answers_the_card_to_the_person_only(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    sent = await sender.click(message_action("pelanggan 0812-3456-7890 minta bantuan"))
    assert sent.status == 200
    await adapter.drain(10)
    [call] = slack.calls_to("chat.postEphemeral")
    assert call.args["user"] == AGENT and call.args["channel"] == "C0SUPPORT"
    assert "Toko Sinar Jaya" in json.dumps(call.args, ensure_ascii=False)
    assert slack.calls_to("chat.postMessage") == []


async def test_a_message_without_a_customer_says_what_is_looked_for(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    await sender.click(message_action("thanks, all good"))
    await adapter.drain(10)
    [call] = slack.calls_to("chat.postEphemeral")
    assert "no phone number, email or merchant id" in json.dumps(call.args)
