"""/resend-receipt: confirmed first, sent once, recorded."""

from __future__ import annotations

from pathlib import Path

from supportbot import Outcome, User, load_settings
from supportbot.sample import DEMO_TRANSACTION_ID
from supportbot.testing import BotTester

from .conftest import COMMANDS

LINA = User(id="terminal:lina", name="lina")


async def resends(bot: BotTester) -> int:
    return len(bot.sample.resends(DEMO_TRANSACTION_ID))


async def test_asks_first_showing_amount_and_the_whole_destination(bot: BotTester) -> None:
    # No personal_data_roles: everyone who may run it reads the address back to the customer.
    reply = await bot.run(f"/resend-receipt {DEMO_TRANSACTION_ID}")
    assert reply.outcome is Outcome.PENDING
    assert reply.text == (
        f"Resend the receipt for {DEMO_TRANSACTION_ID} (Rp 150.000, merchant M-10001) "
        "to rina.customer@example.id?"
    )
    assert await resends(bot) == 0
    assert reply.confirmation is not None
    assert bot.bot.store is not None  # the stored question (approvers, channels) stays masked
    stored = await bot.bot.store.actions.get_pending(reply.confirmation.token)
    assert stored is not None and "r•••@example.id" in stored.prompt
    assert "rina.customer@" not in stored.prompt


async def test_the_question_is_masked_for_a_role_that_may_not_see_personal_data(
    tmp_path: Path,
) -> None:
    settings = load_settings(
        None,
        data_dir=str(tmp_path),
        personal_data_roles=["lead"],
        roles={"lead": {"members": ["lina"]}},
    )
    async with BotTester.demo(commands=[COMMANDS], settings=settings) as tester:
        agent = await tester.run(f"/resend-receipt {DEMO_TRANSACTION_ID}")
        lead = await tester.run(f"/resend-receipt {DEMO_TRANSACTION_ID}", user=LINA)
    assert agent.text is not None and agent.text.endswith("to r•••@example.id?")
    assert agent.confirmation is not None and "rina.customer@" not in agent.confirmation.prompt
    assert lead.text is not None and lead.text.endswith("to rina.customer@example.id?")


async def test_confirmed_resend_happens_once_and_is_audited(bot: BotTester) -> None:
    reply = await bot.run(f"/resend-receipt {DEMO_TRANSACTION_ID}", confirm=True)
    assert reply.outcome is Outcome.OK
    assert "was resent to r•••@example.id" in (reply.text or "")
    assert await resends(bot) == 1
    assert bot.bot.store is not None
    outcomes = [r.outcome for r in await bot.bot.store.audit.query(command="resend-receipt")]
    assert outcomes == ["ok", "pending"]


async def test_cancelled_resend_sends_nothing(bot: BotTester) -> None:
    reply = await bot.run(f"/resend-receipt {DEMO_TRANSACTION_ID}", confirm=False)
    assert reply.outcome is Outcome.CANCELLED and await resends(bot) == 0


async def test_another_address_can_be_given_and_is_shown_as_normalised(bot: BotTester) -> None:
    reply = await bot.run(f"/resend-receipt {DEMO_TRANSACTION_ID} --to Rina.New@Example.ID")
    assert reply.text and reply.text.endswith("to Rina.New@example.id?")


async def test_unknown_transaction_stops_before_the_confirmation(bot: BotTester) -> None:
    reply = await bot.run("/resend-receipt TX-999999999")
    assert reply.outcome is Outcome.NOT_FOUND and reply.confirmation is None


async def test_receipts_down_reports_that_nothing_happened(bot: BotTester) -> None:
    await bot.sample.stop_service("receipts")
    reply = await bot.run(f"/resend-receipt {DEMO_TRANSACTION_ID}", confirm=True)
    assert reply.outcome is Outcome.ERROR
    assert (reply.text or "").startswith(
        "The resend of the receipt for TX-1042 did not happen: receipts could not be reached"
    )
    assert "Nothing was changed." in (reply.text or "")
    assert {b.action for b in reply.buttons} == {"confirm", "escalate"}  # Retry, Escalate


async def test_receipts_failing_mid_way_says_it_may_have_happened(bot: BotTester) -> None:
    bot.sample.set_failure("receipts", "error", status=503)
    reply = await bot.run(f"/resend-receipt {DEMO_TRANSACTION_ID}", confirm=True)
    assert reply.outcome is Outcome.ERROR
    assert "may or may not have happened" in (reply.text or "") and "Retry" in (reply.text or "")


async def test_a_payment_without_a_receipt_is_refused_before_anyone_is_asked(
    bot: BotTester,
) -> None:
    reply = await bot.run("/resend-receipt TX-1041 --to rina@example.id")
    assert reply.outcome is Outcome.REFUSED and reply.confirmation is None
    assert reply.text == (
        "TX-1041 is failed: there is no receipt to resend until it settles. Nothing was sent."
    )


async def test_a_refusal_says_why_and_offers_no_retry(bot: BotTester) -> None:
    bot.sample.set_failure("receipts", "error", status=422)
    reply = await bot.run("/resend-receipt TX-1042", confirm=True)
    assert reply.outcome is Outcome.ERROR
    assert "The receipts service refused the resend" in (reply.text or "")
    assert "Nothing was changed." in (reply.text or "")
    assert [b.action for b in reply.buttons] == ["escalate"]
    assert [w.service for w in reply.warnings] == ["receipts"]


async def test_the_framework_sends_the_runs_key_without_the_command_adding_it(
    bot: BotTester,
) -> None:
    source = (COMMANDS / "resend_receipt.py").read_text(encoding="utf-8")
    assert "Idempotency-Key" not in source and "idempotency_key" not in source
    await bot.run(f"/resend-receipt {DEMO_TRANSACTION_ID}", confirm=True)
    [resend] = bot.sample.resends(DEMO_TRANSACTION_ID)
    assert bot.bot.store is not None
    [run] = await bot.bot.store.actions.runs(
        targets=[DEMO_TRANSACTION_ID], command="resend-receipt"
    )
    assert resend["idempotency_key"] == run.idempotency_key and run.idempotency_key
