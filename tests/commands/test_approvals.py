"""/approve, /reject, /approvals: the second person, through the chat."""

from __future__ import annotations

import pytest

from supportbot import Message, Outcome, User
from supportbot.testing import BotTester

ANI = User(id="terminal:ani", name="ani")
LINA = User(id="terminal:lina", name="lina")
AGENT = User(id="terminal:agent", name="agent")


async def waiting_token(bot: BotTester) -> str:
    reply = await bot.run("/reset-pin M-10001", user=ANI, confirm=True)
    assert reply.outcome is Outcome.PENDING
    [waiting] = await bot.bot.actions.waiting_for_approval()
    return waiting.token


async def test_approvals_lists_what_waits(bot: BotTester) -> None:
    assert (await bot.run("/approvals", user=LINA)).text == "No action is waiting for approval."
    token = await waiting_token(bot)
    listed = await bot.run("/approvals", user=LINA)
    assert listed.title == "Waiting for approval (1)"
    [item] = listed.sections[0].items
    assert item.startswith(f"{token}  /reset-pin for ani, needs lead")
    assert "0812-••••-7890" in item


async def test_approve_in_the_chat_runs_it_once_and_is_audited(bot: BotTester) -> None:
    token = await waiting_token(bot)
    done = await bot.run(f"/approve {token}", user=LINA)
    assert done.outcome is Outcome.OK and "was reset" in (done.text or "")
    assert len(bot.sample.pin_resets("M-10001")) == 1
    again = await bot.run(f"/approve {token}", user=LINA)
    assert "Already done" in (again.text or "") and len(bot.sample.pin_resets()) == 1
    assert bot.bot.store is not None
    approvals = await bot.bot.store.audit.query(command="approve", limit=10)
    assert [e.user_name for e in approvals] == ["lina", "lina"]


async def test_an_agent_cannot_approve_in_the_chat(bot: BotTester) -> None:
    token = await waiting_token(bot)
    refused = await bot.run(f"/approve {token}", user=AGENT)
    assert refused.outcome is Outcome.DENIED and bot.sample.pin_resets() == []


async def test_reject_closes_the_request(bot: BotTester) -> None:
    token = await waiting_token(bot)
    no = await bot.run(f"/reject {token}", user=LINA)
    assert "turned down" in (no.text or "")
    late = await bot.run(f"/approve {token}", user=LINA)
    assert late.outcome is Outcome.REJECTED and bot.sample.pin_resets() == []


@pytest.mark.parametrize(
    "token", ["", "x", "'; DROP TABLE pending_actions;--", "a" * 5000, "tök€n-ünïcode", "$(id)"]
)
async def test_a_bad_request_id_gets_a_clear_answer(bot: BotTester, token: str) -> None:
    reply = await bot.run(f"/approve {token!r}" if token else "/approve", user=LINA)
    assert reply.outcome is Outcome.REJECTED
    assert reply.text and "Traceback" not in reply.text


async def test_an_unknown_request_id_does_nothing(bot: BotTester) -> None:
    reply = await bot.run("/approve AAAAAAAAAAAA", user=LINA)
    assert reply.outcome is Outcome.REJECTED and "no longer open" in (reply.text or "")


async def test_the_terminal_is_not_told_of_a_button_it_does_not_have(bot: BotTester) -> None:
    asked = await bot.bot.handle(Message(text="/reset-pin M-10001", user=ANI, adapter="terminal"))
    assert asked.confirmation is not None
    sent = await bot.bot.actions.confirm(asked.confirmation.token, ANI, adapter="terminal")
    assert sent.outcome is Outcome.PENDING
    assert "button" not in (sent.text or "") and "/approve " in (sent.text or "")
    assert "/reject " in (sent.text or "") and "<reason>" in (sent.text or "")


async def test_a_reject_keeps_its_reason_for_the_requester(bot: BotTester) -> None:
    token = await waiting_token(bot)
    no = await bot.run(f"/reject {token} the merchant asked us to wait — até segunda", user=LINA)
    assert no.outcome is Outcome.OK
    assert "Reason: the merchant asked us to wait — até segunda" in (no.text or "")
    request = await bot.bot.actions.ledger.get_pending(token)  # type: ignore[union-attr]
    assert request is not None and request.state == "rejected"
    assert request.decision_reason == "the merchant asked us to wait — até segunda"


async def test_a_reject_without_a_reason_still_closes_it(bot: BotTester) -> None:
    token = await waiting_token(bot)
    no = await bot.run(f"/reject {token}", user=LINA)
    assert "Reason" not in (no.text or "") and bot.sample.pin_resets() == []
    request = await bot.bot.actions.ledger.get_pending(token)  # type: ignore[union-attr]
    assert request is not None and request.decision_reason is None


async def test_a_huge_reason_is_refused_and_the_request_stays_open(bot: BotTester) -> None:
    token = await waiting_token(bot)
    refused = await bot.run(f"/reject {token} {'x' * 1200}", user=LINA)
    assert refused.outcome is Outcome.REJECTED and "1,200 characters" in (refused.text or "")
    [still] = await bot.bot.actions.waiting_for_approval()
    assert still.token == token


async def test_someone_outside_the_role_learns_nothing_of_a_finished_request(
    bot: BotTester,
) -> None:
    token = await waiting_token(bot)
    assert (await bot.run(f"/approve {token}", user=LINA)).outcome is Outcome.OK
    for attempt in (f"/approve {token}", f"/reject {token} too late"):
        refused = await bot.run(attempt, user=AGENT)
        assert refused.outcome is Outcome.DENIED and refused.outcome.exit_code != 0
        assert "lead" in (refused.text or "") and "was reset" not in (refused.text or "")
    assert len(bot.sample.pin_resets()) == 1


async def test_rejecting_an_approved_request_says_it_was_approved_without_its_result(
    bot: BotTester,
) -> None:
    token = await waiting_token(bot)
    await bot.run(f"/approve {token}", user=LINA)
    late = await bot.run(f"/reject {token} changed my mind", user=LINA)
    assert late.outcome is Outcome.REJECTED and "already approved" in (late.text or "")
    assert len(bot.sample.pin_resets()) == 1


async def _approved_by_a_process_that_stopped(bot: BotTester, token: str, ago_s: float) -> None:
    """The ledger as an approver's process leaves it when it stops between the approval and
    the run: approved, no run."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from supportbot.storage import PendingActionRow

    store = bot.bot.store
    assert store is not None
    assert await store.actions.decide(
        token, from_state="awaiting_approval", to_state="approved", decided_by="dewi"
    )
    async with store.sessions() as session:
        await session.execute(
            update(PendingActionRow)
            .where(PendingActionRow.token == token)
            .values(decided_at=datetime.now(UTC) - timedelta(seconds=ago_s))
        )
        await session.commit()


async def test_an_approval_whose_run_never_started_is_said_and_can_be_approved_again(
    bot: BotTester,
) -> None:
    token = await waiting_token(bot)
    await _approved_by_a_process_that_stopped(bot, token, ago_s=600)
    assert bot.sample.pin_resets() == []
    done = await bot.run(f"/approve {token}", user=LINA)
    assert done.outcome is Outcome.OK and "was reset" in (done.text or ""), done.text
    assert len(bot.sample.pin_resets("M-10001")) == 1
    again = await bot.run(f"/approve {token}", user=LINA)
    assert "Already done" in (again.text or "") and len(bot.sample.pin_resets()) == 1


async def test_a_fresh_approval_without_its_run_yet_is_not_run_twice(bot: BotTester) -> None:
    token = await waiting_token(bot)
    await _approved_by_a_process_that_stopped(bot, token, ago_s=5)  # its run may be starting
    second = await bot.run(f"/approve {token}", user=LINA)
    assert second.outcome is Outcome.PENDING and "already being carried out" in (second.text or "")
    assert bot.sample.pin_resets() == []
