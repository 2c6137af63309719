"""/refund: leads only, a second lead approves, never more than is left, done once."""

from __future__ import annotations

import pytest

from supportbot import Amount, Outcome, User
from supportbot.sample import (
    DEMO_TRANSACTION_ID,
    FAILED_TRANSACTION_ID,
    PENDING_TRANSACTION_ID,
    REFUNDED_TRANSACTION_ID,
)
from supportbot.testing import BotTester

AGENT = User(id="terminal:agent", name="agent")
LINA = User(id="terminal:lina", name="lina")
DEWI = User(id="terminal:dewi", name="dewi")


async def approved(bot: BotTester, text: str) -> tuple[str, object]:
    asked = await bot.run(text, user=LINA, confirm=True)
    assert asked.outcome is Outcome.PENDING and "for approval" in (asked.text or ""), asked.text
    [waiting] = await bot.bot.actions.waiting_for_approval()
    return waiting.token, await bot.bot.actions.approve(waiting.token, DEWI)


async def test_an_agent_may_not_refund_and_is_told_who_may(bot: BotTester) -> None:
    reply = await bot.run(f"/refund {DEMO_TRANSACTION_ID} 50000 charged twice", user=AGENT)
    assert reply.outcome is Outcome.DENIED and "lead" in (reply.text or "")
    assert bot.sample.refunds() == []


async def test_a_lead_asks_another_approves_and_it_is_refunded_once(bot: BotTester) -> None:
    token, done = await approved(bot, f"/refund {DEMO_TRANSACTION_ID} Rp 50.000 charged twice")
    assert done.outcome is Outcome.OK  # type: ignore[attr-defined]
    assert "Refunded Rp 50.000 of TX-1042" in done.text  # type: ignore[attr-defined]
    assert "left: Rp 100.000" in done.text  # type: ignore[attr-defined]
    [refund] = bot.sample.refunds(DEMO_TRANSACTION_ID)
    assert refund["amount"] == 50_000 and refund["reason"] == "charged twice"
    await bot.bot.actions.approve(token, LINA)  # a late second click
    assert len(bot.sample.refunds(DEMO_TRANSACTION_ID)) == 1


async def test_the_requesting_lead_cannot_approve_it(bot: BotTester) -> None:
    await bot.run(f"/refund {DEMO_TRANSACTION_ID} 50000 charged twice", user=LINA, confirm=True)
    [waiting] = await bot.bot.actions.waiting_for_approval()
    own = await bot.bot.actions.approve(waiting.token, LINA)
    assert own.outcome is Outcome.DENIED and bot.sample.refunds() == []


async def test_more_than_is_left_is_refused_before_anyone_is_asked(bot: BotTester) -> None:
    reply = await bot.run(f"/refund {DEMO_TRANSACTION_ID} 150001 oops", user=LINA)
    assert reply.outcome is Outcome.REFUSED and reply.confirmation is None
    assert "Rp 150.000 left to refund" in (reply.text or "")


@pytest.mark.parametrize(
    "tx", [FAILED_TRANSACTION_ID, PENDING_TRANSACTION_ID, REFUNDED_TRANSACTION_ID]
)
async def test_only_settled_payments_with_money_left_can_be_refunded(
    bot: BotTester, tx: str
) -> None:
    reply = await bot.run(f"/refund {tx} 1000 test", user=LINA)
    assert reply.outcome is Outcome.REFUSED and "only settled transactions" in (reply.text or "")


@pytest.mark.parametrize(
    "text",
    [
        "/refund TX-1042",
        "/refund TX-1042 50000",
        "/refund TX-1042 -5 minus",
        "/refund TX-1042 1.5 half",
        "/refund TX-1042 lima-puluh-ribu reason",
        "/refund TX-1042 50000 " + "x" * 600,
        "/refund TX-1042 50000 ;rm -rf /",
    ],
)
async def test_bad_input_gets_usage_and_nothing_is_refunded(bot: BotTester, text: str) -> None:
    reply = await bot.run(text, user=LINA)
    if text.endswith("rm -rf /"):  # a strange reason is still a reason: asked, masked, stored
        assert reply.outcome is Outcome.PENDING
    else:
        assert reply.outcome is Outcome.REJECTED and reply.confirmation is None, text
    assert bot.sample.refunds() == []


async def test_a_unicode_reason_is_kept(bot: BotTester) -> None:
    _, done = await approved(bot, f"/refund {DEMO_TRANSACTION_ID} 10rb barang rusak 📦")
    assert done.outcome is Outcome.OK  # type: ignore[attr-defined]
    assert bot.sample.refunds()[0]["reason"] == "barang rusak 📦"


@pytest.mark.parametrize(
    ("typed", "value"),
    [("150000", 150_000), ("150.000", 150_000), ("Rp 150.000", 150_000), ("150rb", 150_000)],
)
def test_amounts_are_read_as_agents_type_them(typed: str, value: int) -> None:
    assert Amount.parse(typed).value == value
