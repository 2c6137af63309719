"""/approve, /reject, /approvals: the second person, through the chat."""

from __future__ import annotations

import pytest

from supportbot import Outcome, User
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
