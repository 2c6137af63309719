"""/transaction: a payment and its receipt."""

from __future__ import annotations

from typing import Any

import pytest

from supportbot import Outcome, Reply
from supportbot.sample import DEMO_TRANSACTION_ID, FAILED_TRANSACTION_ID, PENDING_TRANSACTION_ID
from supportbot.testing import BotTester

from .conftest import COMMANDS


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


def payment(status: str, receipt: str, email: str | None = "rina@example.id") -> dict[str, Any]:
    return {
        "merchant_id": "M-10001",
        "amount": 150_000,
        "status": status,
        "method": "QRIS",
        "customer_email": email,
        "receipt": {"status": receipt, "sent_to": email},
    }


async def card_for(answer: dict[str, Any]) -> Reply:
    async with BotTester.fake(
        {
            "transactions": {"/transactions/TX-5001": answer},
            "merchants": {"/merchants/M-10001": {"name": "Toko Sinar Jaya"}},
        },
        commands=[COMMANDS],
    ) as fake:
        return await fake.run("/transaction TX-5001")


def receipt_status(reply: Reply) -> str:
    receipt = next(s for s in reply.sections if s.title == "Receipt")
    return next(f.value for f in receipt.fields if f.label == "Status")


async def test_a_failed_payment_offers_no_resend(bot: BotTester) -> None:
    reply = await bot.run(f"/transaction {FAILED_TRANSACTION_ID}")
    assert reply.outcome is Outcome.OK
    assert reply.choices == []
    assert receipt_status(reply) == "not sent (no receipt for a failed payment)"
    # ...because the receipts service would refuse it:
    refused = await bot.run(f"/resend-receipt {FAILED_TRANSACTION_ID}", confirm=True)
    assert refused.outcome is not Outcome.OK


async def test_a_pending_payment_offers_no_resend(bot: BotTester) -> None:
    reply = await bot.run(f"/transaction {PENDING_TRANSACTION_ID}")
    assert reply.choices == [] and reply.text == "pending via E-wallet"


async def test_the_offered_resend_is_one_the_service_accepts(bot: BotTester) -> None:
    reply = await bot.run(f"/transaction {DEMO_TRANSACTION_ID}")
    [choice] = reply.choices
    done = await bot.run(choice.command, confirm=True)
    assert done.outcome is Outcome.OK, done.text


@pytest.mark.parametrize(
    ("status", "receipt", "offered"),
    [
        ("settled", "bounced", True),
        ("settled", "not_sent", True),
        ("settled", "delivered", False),
        ("failed", "not_sent", False),
        ("failed", "bounced", False),
        ("pending", "not_sent", False),
        ("refunded", "bounced", False),
        ("SETTLED", "bounced", False),  # not a status we know: do not promise anything
        ("settled", "unknown", False),
    ],
)
async def test_a_resend_is_offered_only_when_it_can_work(
    status: str, receipt: str, offered: bool
) -> None:
    reply = await card_for(payment(status, receipt))
    assert [c.command for c in reply.choices] == (["/resend-receipt TX-5001"] if offered else [])


async def test_without_a_customer_email_it_says_how_to_resend_instead_of_offering_it() -> None:
    reply = await card_for(payment("settled", "not_sent", email=None))
    assert reply.choices == []
    receipt = next(s for s in reply.sections if s.title == "Receipt")
    assert receipt.text and "/resend-receipt TX-5001 --to their@email" in receipt.text


@pytest.mark.parametrize(
    ("status", "receipt", "text", "shown"),
    [
        ("settled", "not_sent", "settled via QRIS", "not sent"),
        ("partially_refunded", "delivered", "partially refunded via QRIS", "delivered"),
        ("chargeback_pending", "bounced_hard", "chargeback pending via QRIS", "bounced hard"),
        ("settled", "", "settled via QRIS", "?"),
        (
            "ditahan_sementara_☕",
            "tidak_terkirim",
            "ditahan sementara ☕ via QRIS",
            "tidak terkirim",
        ),
    ],
)
async def test_statuses_are_shown_as_words(
    status: str, receipt: str, text: str, shown: str
) -> None:
    reply = await card_for(payment(status, receipt))
    assert reply.text == text
    assert receipt_status(reply) == shown


async def test_after_a_resend_the_card_shows_it_and_offers_no_second_one(bot: BotTester) -> None:
    from supportbot import User

    ani = User(id="terminal:ani", name="ani")
    await bot.run(f"/resend-receipt {DEMO_TRANSACTION_ID}", user=ani, confirm=True)
    reply = await bot.run(f"/transaction {DEMO_TRANSACTION_ID}")
    receipt = {
        f.label: f.value for f in next(s for s in reply.sections if s.title == "Receipt").fields
    }
    assert receipt["Status"] == "resent (first bounced)"
    assert " by ani to rina.customer@example.id (RS-000001)" in receipt["Resent"]
    assert reply.choices == []
