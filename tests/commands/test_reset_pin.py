"""/reset-pin: asked, confirmed, approved by another lead, reset once at the merchants service."""

from __future__ import annotations

import pytest

from supportbot import Outcome, User
from supportbot.sample import DEMO_MERCHANT_ID, SUSPENDED_MERCHANT_ID
from supportbot.testing import BotTester

ANI = User(id="terminal:ani", name="ani")  # weekend staff in config/supportbot.toml
LINA = User(id="terminal:lina", name="lina")  # a lead


async def sent_for_approval(bot: BotTester, text: str) -> str:
    reply = await bot.run(text, user=ANI, confirm=True)
    assert reply.outcome is Outcome.PENDING and "for approval" in (reply.text or ""), reply.text
    [waiting] = await bot.bot.actions.waiting_for_approval()
    return waiting.token


async def test_the_question_shows_the_merchant_and_the_whole_phone(bot: BotTester) -> None:
    reply = await bot.run(f"/reset-pin {DEMO_MERCHANT_ID}", user=ANI)
    assert reply.outcome is Outcome.PENDING and reply.confirmation is not None
    assert reply.text == (
        "Reset the PIN of M-10001 (Toko Sinar Jaya), all devices? The new PIN goes by SMS to "
        "0812-3456-7890.\nAfter you confirm, a member of the lead role must approve it before it "
        "runs."
    )
    assert reply.confirmation.allow_yes is False  # `exec --yes` cannot answer it
    assert bot.sample.pin_resets() == []


async def test_a_lead_approves_and_the_pin_is_reset_once(bot: BotTester) -> None:
    token = await sent_for_approval(bot, "/reset-pin m10001")
    assert bot.sample.pin_resets() == []  # confirmed, not yet approved: nothing happened
    done = await bot.bot.actions.approve(token, LINA)
    assert done.outcome is Outcome.OK
    assert done.text is not None and "was reset" in done.text and "0812-••••-7890" in done.text
    assert done.footer == "Reset PR-000001"
    again = await bot.bot.actions.approve(token, LINA)
    assert "Already done" in (again.text or "")
    [reset] = bot.sample.pin_resets(DEMO_MERCHANT_ID)
    assert (
        reset["idempotency_key"] == (await bot.bot.store.actions.get_pending(token)).idempotency_key
    )  # type: ignore[union-attr]


async def test_one_device_only(bot: BotTester) -> None:
    token = await sent_for_approval(bot, "/reset-pin M-10001 --device EDC-A920-104233")
    await bot.bot.actions.approve(token, LINA)
    [reset] = bot.sample.pin_resets(DEMO_MERCHANT_ID)
    assert reset["device"] == "EDC-A920-104233"


async def test_a_device_of_another_merchant_is_refused_by_the_service(bot: BotTester) -> None:
    token = await sent_for_approval(bot, "/reset-pin M-10001 --device EDC-NOT-MINE")
    failed = await bot.bot.actions.approve(token, LINA)
    assert failed.outcome is Outcome.ERROR
    assert "The merchants service refused the PIN reset of M-10001" in (failed.text or "")
    assert "EDC-NOT-MINE is not a device" in (failed.text or "")
    assert "Nothing was changed." in (failed.text or "")
    assert [b.action for b in failed.buttons] == ["escalate"]  # a retry would be refused too
    assert bot.sample.pin_resets() == []


@pytest.mark.parametrize(
    ("merchant", "words"),
    [(SUSPENDED_MERCHANT_ID, "is suspended"), ("M-10003", "is closed")],
)
async def test_a_blocked_merchant_is_refused_before_anyone_is_asked(
    bot: BotTester, merchant: str, words: str
) -> None:
    reply = await bot.run(f"/reset-pin {merchant}", user=ANI)
    assert reply.outcome is Outcome.REFUSED and words in (reply.text or "")
    assert reply.confirmation is None and bot.sample.pin_resets() == []


async def test_an_unknown_merchant_is_not_found(bot: BotTester) -> None:
    reply = await bot.run("/reset-pin M-99999", user=ANI)
    assert reply.outcome is Outcome.NOT_FOUND and reply.confirmation is None


@pytest.mark.parametrize(
    "text",
    [
        "/reset-pin",
        "/reset-pin 0812-3456-7890",
        "/reset-pin M-1' OR 1=1",
        "/reset-pin " + "9" * 5000,
        "/reset-pin Ⅿ-10001",
        "/reset-pin M-10001 --device",
    ],
)
async def test_bad_input_gets_usage_and_nothing_happens(bot: BotTester, text: str) -> None:
    reply = await bot.run(text, user=ANI)
    assert reply.outcome is Outcome.REJECTED and reply.confirmation is None
    assert reply.text and "Traceback" not in reply.text
    assert bot.sample.pin_resets() == []
