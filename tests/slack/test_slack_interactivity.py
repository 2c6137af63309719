"""Clicks route back into the core: pick, confirm, cancel, share, escalate; others are refused."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from supportbot.sample import SHARED_PHONE
from supportbot.slack import SlackAdapter, serve_http
from supportbot.slack.testing import FakeSlack, SlackSender, SlackSigner, block_actions
from supportbot.testing import BotTester

from .conftest import AGENT, OTHER, SIGNING_SECRET, bot_settings, slack_bot


def elements(body: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for block in body["blocks"]:
        if "accessory" in block:
            found.append(block["accessory"])
        found += block.get("elements", []) if block["type"] == "actions" else []
    return found


def button(body: dict[str, Any], prefix: str, label: str | None = None) -> dict[str, Any]:
    return next(
        e
        for e in elements(body)
        if e["action_id"].startswith(prefix) and (label is None or e["text"]["text"] == label)
    )


def text_of(body: dict[str, Any]) -> str:
    return json.dumps(body, ensure_ascii=False)


async def ask(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, command: str, text: str
):
    url = slack.new_response_url()
    await sender.command(command, text, response_url=url)
    await adapter.drain(10)
    return slack.responses_to(url)[-1].body


async def click(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, element: dict[str, Any], **kw: Any
) -> tuple[str, list[dict[str, Any]]]:
    url = slack.new_response_url("message")
    payload = block_actions(element["action_id"], value=element["value"], response_url=url, **kw)
    sent = await sender.click(payload)
    assert sent.status == 200 and sent.elapsed_s < 3
    await adapter.drain(10)
    return url, [post.body for post in slack.responses_to(url)]


async def test_picking_a_merchant_replaces_the_list_with_its_card(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    pick_list = await ask(slack, sender, adapter, "/merchant", SHARED_PHONE)
    second = button(pick_list, "supportbot.choice.1")
    _, [posted] = await click(slack, sender, adapter, second)
    assert posted["replace_original"] is True and posted["response_type"] == "ephemeral"
    assert any(b["type"] == "header" and "M-" in b["text"]["text"] for b in posted["blocks"])
    # A second click on the same list does nothing more.
    _, [note] = await click(slack, sender, adapter, second)
    assert note["replace_original"] is False and "already used" in text_of(note)


async def test_the_customers_rating_is_one_click_on_the_close(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    logged = await ask(slack, sender, adapter, "/log", "M-10001")
    ref = re.search(r"I-[0-9A-Z]{6}", text_of(logged)).group(0)  # type: ignore[union-attr]
    closed = await ask(slack, sender, adapter, "/done", "")
    four = button(closed, "supportbot.choice.3")
    assert four["text"]["text"] == "4 good" and ref not in four["value"]  # an id, not the command
    _, [rated] = await click(slack, sender, adapter, four)
    assert f"rated {ref} 4/5" in text_of(rated)
    store = tester.bot.store
    assert store is not None
    stored = await store.record.interaction(ref)
    assert stored is not None and stored.csat == 4


async def test_someone_else_gets_a_polite_refusal_and_nothing_runs(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    pick_list = await ask(slack, sender, adapter, "/merchant", SHARED_PHONE)
    _, [note] = await click(
        slack, sender, adapter, button(pick_list, "supportbot.choice.0"), user_id=OTHER
    )
    assert note["response_type"] == "ephemeral" and note["replace_original"] is False
    assert "Sorry, these buttons are for rina" in text_of(note)
    store = tester.bot.store
    assert store is not None
    assert len(await store.audit.query(limit=10)) == 1  # only the lookup itself
    # The requester can still pick.
    _, [card] = await click(slack, sender, adapter, button(pick_list, "supportbot.choice.0"))
    assert card["replace_original"] is True


async def test_confirm_runs_the_action_once(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    prompt = await ask(slack, sender, adapter, "/resend-receipt", "TX-1042")
    assert "Resend the receipt for TX-1042" in text_of(prompt)
    assert "Share in channel" not in text_of(prompt)
    confirm = button(prompt, "supportbot.button", "Confirm")
    assert confirm["value"] != "" and "TX-1042" not in confirm["value"]
    _, [done] = await click(slack, sender, adapter, confirm)
    assert done["replace_original"] is True and "was resent" in text_of(done)
    _, [again] = await click(slack, sender, adapter, confirm)
    assert "already used" in text_of(again)
    assert tester.sample is not None and len(tester.sample.resends("TX-1042")) == 1


async def test_cancel_changes_nothing_and_confirm_after_it_does_nothing(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    prompt = await ask(slack, sender, adapter, "/resend-receipt", "TX-1042")
    _, [cancelled] = await click(
        slack, sender, adapter, button(prompt, "supportbot.button", "Cancel")
    )
    assert "Cancelled /resend-receipt" in text_of(cancelled)
    await click(slack, sender, adapter, button(prompt, "supportbot.button", "Confirm"))
    assert tester.sample is not None and tester.sample.resends("TX-1042") == []


async def test_share_posts_a_masked_copy_to_the_channel_once(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    card = await ask(slack, sender, adapter, "/merchant", "0812-3456-7890")
    assert "sinar@example.id" in text_of(card)  # the requester sees everything
    share = button(card, "supportbot.share")
    _, [shared] = await click(slack, sender, adapter, share)
    assert shared["response_type"] == "in_channel" and shared["replace_original"] is False
    text = text_of(shared)
    assert "Toko Sinar Jaya" in text and "Budi Santoso" in text
    assert "0812-••••-7890" in text and "3456" not in text
    assert "sinar@example.id" not in text and "s•••@example.id" in text
    assert "Shared by rina" in text
    assert not elements(shared)
    _, [again] = await click(slack, sender, adapter, share)
    assert again["response_type"] == "ephemeral" and "already used" in text_of(again)


async def test_an_unknown_button_has_expired(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    _, [note] = await click(
        slack, sender, adapter, {"action_id": "supportbot.share", "value": "no-such-id"}
    )
    assert "expired" in text_of(note)


@pytest.fixture
async def escalating(
    slack: FakeSlack, tmp_path: Path
) -> AsyncIterator[tuple[BotTester, SlackAdapter, SlackSender]]:
    settings = bot_settings(tmp_path, slack={"engineering_channel": "C0ENG"})
    async with slack_bot(slack, settings) as (tester, adapter):
        async with serve_http(adapter, host="127.0.0.1", port=0) as url:
            async with SlackSender(url, SlackSigner(SIGNING_SECRET)) as sender:
                yield tester, adapter, sender


async def failed_lookup(
    slack: FakeSlack, escalating: tuple[BotTester, SlackAdapter, SlackSender]
) -> dict[str, Any]:
    """The Escalate button under a /merchant that failed (its service is down)."""
    tester, adapter, sender = escalating
    assert tester.sample is not None
    await tester.sample.stop_service("merchants")
    failed = await ask(slack, sender, adapter, "/merchant", "0812-3456-7890")
    return button(failed, "supportbot.escalate")


async def test_a_failed_lookup_is_escalated_once_with_its_context(
    slack: FakeSlack, escalating: tuple[BotTester, SlackAdapter, SlackSender]
) -> None:
    tester, adapter, sender = escalating
    escalate = await failed_lookup(slack, escalating)
    _, [note] = await click(slack, sender, adapter, escalate)
    assert "Escalated to engineering in C0ENG" in text_of(note)
    _, [again] = await click(slack, sender, adapter, escalate)
    assert "escalated to engineering in C0ENG already" in text_of(again)
    [post] = slack.calls_to("chat.postMessage")  # the second click posted nothing
    assert post.args["channel"] == "C0ENG"
    text = text_of(post.args)
    assert "Escalation: /merchant failed" in text
    assert "0812-••••-7890" in text and "3456" not in text
    assert f"rina ({AGENT})" in text and "C0SUPPORT" in text
    assert tester.bot.store is not None
    [stored] = await tester.bot.store.actions.escalations(escalate_reference(text))
    assert stored.delivered and stored.destination == "C0ENG" and stored.escalated_by == "rina"


async def test_a_failed_post_says_so_and_the_button_can_be_clicked_again(
    slack: FakeSlack,
    escalating: tuple[BotTester, SlackAdapter, SlackSender],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tester, adapter, sender = escalating
    escalate = await failed_lookup(slack, escalating)
    posted = slack._api_chat_postMessage
    monkeypatch.setattr(
        slack, "_api_chat_postMessage", lambda args: {"ok": False, "error": "not_in_channel"}
    )
    _, [note] = await click(slack, sender, adapter, escalate)
    assert "Could not post to C0ENG" in text_of(note) and "click again" in text_of(note)
    assert "Escalation: /merchant failed" in text_of(note)  # the report, to pass on by hand
    monkeypatch.setattr(slack, "_api_chat_postMessage", posted)
    _, [done] = await click(slack, sender, adapter, escalate)
    assert "Escalated to engineering in C0ENG" in text_of(done)
    assert tester.bot.store is not None
    reference = escalate_reference(text_of(done) + text_of(note))
    stored = await tester.bot.store.actions.escalations(reference)
    assert [entry.delivered for entry in stored] == [False, True]


def escalate_reference(text: str) -> str:
    """The error reference a text names (12 hex digits after "reference")."""
    found = re.search(r"reference ([0-9a-f]{12})", text)
    assert found is not None, text
    return found.group(1)
