"""/escalate: a failed command's details to engineering, masked, recorded."""

from __future__ import annotations

import pytest

from supportbot import Outcome
from supportbot.testing import BotTester


async def test_a_failed_action_can_be_escalated_with_its_reference(bot: BotTester) -> None:
    bot.sample.set_failure("receipts", "error", status=500)
    failed = await bot.run("/resend-receipt TX-1042 --to rina.new@example.id", confirm=True)
    assert failed.outcome is Outcome.ERROR
    reference = next(b.value for b in failed.buttons if b.action == "escalate")
    assert f"/escalate {reference}" in (failed.text or "")
    report = await bot.run(f"/escalate {reference}")
    assert report.outcome is Outcome.OK and report.title == "Escalation: /resend-receipt failed"
    body = " ".join(s.text or "" for s in report.sections)
    assert "receipts: server_error" in body and "rina.new@example.id" not in body
    assert "r•••@example.id" in body
    assert bot.bot.store is not None
    [stored] = await bot.bot.store.actions.escalations(reference)
    assert stored.delivered is False and stored.destination == "the bot's log"


async def test_an_unknown_reference_is_not_found(bot: BotTester) -> None:
    reply = await bot.run("/escalate 0123456789ab")
    assert reply.outcome is Outcome.NOT_FOUND


@pytest.mark.parametrize("text", ["/escalate", "/escalate nope", "/escalate " + "f" * 5000])
async def test_a_bad_reference_gets_a_clear_answer(bot: BotTester, text: str) -> None:
    reply = await bot.run(text)
    assert reply.outcome is Outcome.REJECTED and reply.text and "Traceback" not in reply.text
