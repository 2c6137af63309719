"""/transaction: a payment and its receipt."""

from __future__ import annotations

from supportbot import Outcome
from supportbot.sample import DEMO_TRANSACTION_ID
from supportbot.testing import BotTester


async def test_shows_amount_status_merchant_and_offers_a_resend(bot: BotTester) -> None:
    reply = await bot.run(f"/transaction {DEMO_TRANSACTION_ID.lower()}")
    assert reply.outcome is Outcome.OK
    assert reply.title == f"{DEMO_TRANSACTION_ID} · Rp 150.000"
    merchant = reply.sections[0].fields[0].value
    assert merchant == "Toko Sinar Jaya (M-10001)"
    assert [c.command for c in reply.choices] == [f"/resend-receipt {DEMO_TRANSACTION_ID}"]


async def test_unknown_transaction_is_not_found(bot: BotTester) -> None:
    reply = await bot.run("/tx TX-999999999")
    assert reply.outcome is Outcome.NOT_FOUND and "TX-999999999" in (reply.text or "")


async def test_a_malformed_id_is_rejected_with_an_example(bot: BotTester) -> None:
    reply = await bot.run("/transaction 1042; DROP TABLE")
    assert reply.outcome is Outcome.REJECTED and reply.example == "/transaction TX-1042"
