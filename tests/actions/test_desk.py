"""Declared actions: confirmation in the database, approval by a second person, exactly-once runs,
retries with the same key, outcome unknown after a crash, and escalation."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from supportbot import Context, Outcome, Reply, TransactionId, User, command
from supportbot.storage import RunRecord
from supportbot.testing import BotTester

#: Executions the fake "payments" service performed, by idempotency key (replays excluded).
EXECUTED: Counter[str] = Counter()
FAIL_NEXT: list[int] = []
ANSWERS: dict[str, dict[str, Any]] = {}


def payments(request: httpx.Request) -> httpx.Response:
    """A service that enforces idempotency keys, like a real payments API."""
    key = request.headers.get("Idempotency-Key", "")
    if not key:
        return httpx.Response(400, json={"error": "Idempotency-Key required"})
    if key in ANSWERS:
        return httpx.Response(200, json={**ANSWERS[key], "replayed": True})
    if FAIL_NEXT:
        return httpx.Response(FAIL_NEXT.pop(0), json={"error": "failed on purpose"})
    EXECUTED[key] += 1
    ANSWERS[key] = {"done": json.loads(request.content or b"{}").get("tx"), "replayed": False}
    return httpx.Response(200, json=ANSWERS[key])


async def refund_call(ctx: Context, tx: TransactionId) -> Reply:
    headers = {"Idempotency-Key": ctx.idempotency_key or ""}
    result = await ctx.call(
        ctx.services.payments.post("/do", json={"tx": str(tx)}, headers=headers)
    )
    if not result.ok:
        return Reply(outcome=Outcome.ERROR, text=f"{tx} may not have been done.")
    again = " (replayed)" if result.data.get("replayed") else ""
    return Reply(text=f"did {tx}{again}")


@command("zap", confirm="Zap {tx}?")
async def zap(ctx: Context, tx: TransactionId) -> Reply:
    """An action anyone may run."""
    return await refund_call(ctx, tx)


@command("big-zap", confirm="Big zap {tx}?", approval="lead", allow_yes=False)
async def big_zap(ctx: Context, tx: TransactionId) -> Reply:
    """An action a lead must approve."""
    return await refund_call(ctx, tx)


AGENT = User(id="test:agent", name="agent")
ANI = User(id="test:ani", name="ani")
LINA = User(id="terminal:lina", name="lina")  # a lead in config/supportbot.toml
DEWI = User(id="terminal:dewi", name="dewi")  # another lead


@pytest.fixture
async def bot():
    EXECUTED.clear()
    FAIL_NEXT.clear()
    ANSWERS.clear()
    async with BotTester.fake({"payments": {"POST /do": payments}}, commands=[zap, big_zap]) as b:
        yield b


async def ask(bot: BotTester, text: str, user: User = AGENT) -> str:
    reply = await bot.run(text, user=user)
    assert reply.outcome is Outcome.PENDING, reply.text
    assert reply.confirmation is not None
    return reply.confirmation.token


async def audit_outcomes(bot: BotTester) -> list[tuple[str | None, str, str]]:
    assert bot.bot.store is not None
    entries = await bot.bot.store.audit.query(limit=100)
    return [(e.command, e.user_id, e.outcome) for e in reversed(entries)]


async def test_two_confirms_at_the_same_moment_run_it_once(bot: BotTester) -> None:
    token = await ask(bot, "/zap TX-1")
    first, second = await asyncio.gather(
        bot.bot.actions.confirm(token, AGENT), bot.bot.actions.confirm(token, AGENT)
    )
    assert sum(EXECUTED.values()) == 1
    texts = [r.text or "" for r in (first, second)]
    assert texts.count("did TX-1") == 1
    [other] = [t for t in texts if t != "did TX-1"]
    assert other.startswith("Already done") or "already being carried out" in other


async def test_the_service_gets_the_confirmation_as_idempotency_key(bot: BotTester) -> None:
    token = await ask(bot, "/zap TX-1")
    done = await bot.bot.actions.confirm(token, AGENT)
    assert done.text == "did TX-1"
    assert list(EXECUTED) == [token]
    run = await bot.bot.store.actions.get_run(token)  # type: ignore[union-attr]
    assert run is not None and run.status == "done" and run.arguments == "tx=TX-1"


async def test_a_second_click_answers_already_done_with_the_first_result(bot: BotTester) -> None:
    token = await ask(bot, "/zap TX-1")
    await bot.bot.actions.confirm(token, AGENT)
    again = await bot.bot.actions.confirm(token, AGENT)
    assert again.outcome is Outcome.OK
    assert "Already done at" in (again.text or "") and "by agent" in (again.text or "")
    assert "did TX-1" in (again.text or "")
    assert sum(EXECUTED.values()) == 1


async def test_confirmations_live_in_the_database_not_the_process(bot: BotTester) -> None:
    token = await ask(bot, "/zap TX-1")
    stored = await bot.bot.store.actions.get_pending(token)  # type: ignore[union-attr]
    assert stored is not None and stored.state == "pending" and stored.text == "/zap TX-1"
    assert stored.expires_at - stored.created_at == timedelta(seconds=300)


async def test_someone_else_cannot_confirm_and_the_attempt_is_audited(bot: BotTester) -> None:
    token = await ask(bot, "/zap TX-1")
    refused = await bot.bot.actions.confirm(token, ANI)
    assert refused.outcome is Outcome.REJECTED and "Only the person" in (refused.text or "")
    assert not EXECUTED
    assert ("zap", ANI.id, "rejected") in await audit_outcomes(bot)
    assert (await bot.bot.actions.confirm(token, AGENT)).text == "did TX-1"


async def test_an_expired_confirmation_does_nothing_and_says_why(bot: BotTester) -> None:
    token = await ask(bot, "/zap TX-1")
    await bot.expire_confirmations()
    late = await bot.bot.actions.confirm(token, AGENT)
    assert late.outcome is Outcome.REJECTED and "expired" in (late.text or "")
    assert not EXECUTED
    assert ("zap", AGENT.id, "rejected") in await audit_outcomes(bot)


async def test_an_unknown_token_is_refused(bot: BotTester) -> None:
    for token in ("nope", "", "x" * 10_000, "';DROP TABLE pending_actions;--", "тест🙂"):
        reply = await bot.bot.actions.confirm(token, AGENT)
        assert reply.outcome is Outcome.REJECTED and "no longer open" in (reply.text or "")
    assert not EXECUTED


async def test_cancel_closes_it_for_good(bot: BotTester) -> None:
    token = await ask(bot, "/zap TX-1")
    assert (await bot.bot.actions.cancel(token, AGENT)).outcome is Outcome.CANCELLED
    late = await bot.bot.actions.confirm(token, AGENT)
    assert "cancelled" in (late.text or "") and not EXECUTED


# --- approval ----------------------------------------------------------------------------


async def test_an_approval_action_waits_for_a_lead_after_its_confirm(bot: BotTester) -> None:
    token = await ask(bot, "/big-zap TX-7", user=ANI)
    waiting = await bot.bot.actions.confirm(token, ANI)
    assert waiting.outcome is Outcome.PENDING and "lead" in (waiting.text or "")
    assert [b.action for b in waiting.buttons] == ["approve", "reject"]
    assert not any(b.requester_only for b in waiting.buttons)
    assert not EXECUTED
    done = await bot.bot.actions.approve(token, LINA)
    assert done.text == "did TX-7" and sum(EXECUTED.values()) == 1
    run = await bot.bot.store.actions.get_run(token)  # type: ignore[union-attr]
    assert run is not None and run.user_id == ANI.id and run.approved_by == "lina"


async def test_nobody_approves_their_own_request(bot: BotTester) -> None:
    token = await ask(bot, "/big-zap TX-7", user=LINA)
    await bot.bot.actions.confirm(token, LINA)
    own = await bot.bot.actions.approve(token, LINA)
    assert own.outcome is Outcome.DENIED and "cannot approve it yourself" in (own.text or "")
    assert not EXECUTED
    assert ("big-zap", LINA.id, "denied") in await audit_outcomes(bot)
    assert (await bot.bot.actions.approve(token, DEWI)).text == "did TX-7"


async def test_an_agent_cannot_approve(bot: BotTester) -> None:
    token = await ask(bot, "/big-zap TX-7", user=ANI)
    await bot.bot.actions.confirm(token, ANI)
    refused = await bot.bot.actions.approve(token, AGENT)
    assert refused.outcome is Outcome.DENIED and "lead" in (refused.text or "")
    assert not EXECUTED
    assert ("big-zap", AGENT.id, "denied") in await audit_outcomes(bot)


async def test_an_approval_before_the_requester_confirms_does_nothing(bot: BotTester) -> None:
    token = await ask(bot, "/big-zap TX-7", user=ANI)
    early = await bot.bot.actions.approve(token, LINA)
    assert early.outcome is Outcome.REJECTED and "not been confirmed" in (early.text or "")
    assert not EXECUTED


async def test_two_leads_approving_at_once_run_it_once(bot: BotTester) -> None:
    token = await ask(bot, "/big-zap TX-7", user=ANI)
    await bot.bot.actions.confirm(token, ANI)
    await asyncio.gather(bot.bot.actions.approve(token, LINA), bot.bot.actions.approve(token, DEWI))
    assert sum(EXECUTED.values()) == 1


async def test_a_rejected_request_never_runs(bot: BotTester) -> None:
    token = await ask(bot, "/big-zap TX-7", user=ANI)
    await bot.bot.actions.confirm(token, ANI)
    no = await bot.bot.actions.reject(token, LINA)
    assert no.outcome is Outcome.OK and "turned down" in (no.text or "")
    late = await bot.bot.actions.approve(token, DEWI)
    assert late.outcome is Outcome.REJECTED and "rejected" in (late.text or "")
    assert not EXECUTED


async def test_an_expired_approval_does_nothing(bot: BotTester) -> None:
    token = await ask(bot, "/big-zap TX-7", user=ANI)
    await bot.bot.actions.confirm(token, ANI)
    await bot.expire_confirmations()
    late = await bot.bot.actions.approve(token, LINA)
    assert "expired" in (late.text or "") and not EXECUTED


# --- failures, retries and the unknown ---------------------------------------------------


async def test_a_failed_action_offers_retry_with_the_same_key_and_escalate(
    bot: BotTester,
) -> None:
    FAIL_NEXT.append(500)
    token = await ask(bot, "/zap TX-2")
    failed = await bot.bot.actions.confirm(token, AGENT)
    assert failed.outcome is Outcome.ERROR and "same request id" in (failed.text or "")
    actions = {b.action: b.value for b in failed.buttons}
    assert set(actions) == {"confirm", "escalate"}
    retried = await bot.bot.actions.confirm(actions["confirm"], AGENT)
    assert retried.text == "did TX-2"
    assert list(EXECUTED.items()) == [(token, 1)]  # the retry sent the first key
    run = await bot.bot.store.actions.get_run(token)  # type: ignore[union-attr]
    assert run is not None and run.attempts == 2 and run.status == "done"


async def test_running_it_again_after_an_unknown_outcome_reuses_the_key(bot: BotTester) -> None:
    store = bot.bot.store
    assert store is not None
    token = await ask(bot, "/zap TX-3")
    first = await store.actions.get_pending(token)
    assert first is not None
    # What a process killed mid-action leaves: a claim whose lease ran out, no outcome.
    long_ago = datetime.now(UTC) - timedelta(minutes=10)
    await store.actions.claim_run(
        RunRecord(
            idempotency_key=first.idempotency_key,
            fingerprint=first.fingerprint,
            command="zap",
            user_id=AGENT.id,
            user_name="agent",
            request_id="deadbeef0001",
            started_at=long_ago,
            lease_until=long_ago + timedelta(seconds=40),
        )
    )
    ANSWERS[first.idempotency_key] = {"done": "TX-3", "replayed": False}  # it did happen
    retry = await bot.run("/zap TX-3", user=AGENT)
    assert "outcome is unknown" in (retry.text or "")
    assert retry.confirmation is not None
    done = await bot.bot.actions.confirm(retry.confirmation.token, AGENT)
    assert done.text == "did TX-3 (replayed)"
    assert not EXECUTED  # the service replayed it: nothing happened twice


async def test_escalation_is_recorded_and_reported(bot: BotTester) -> None:
    FAIL_NEXT.append(503)
    token = await ask(bot, "/zap TX-4")
    failed = await bot.bot.actions.confirm(token, AGENT)
    reference = {b.action: b.value for b in failed.buttons}["escalate"]
    report = await bot.bot.actions.escalate(reference, AGENT)
    assert report.outcome is Outcome.OK and report.title == "Escalation: /zap failed"
    lines = " ".join(s.text or "" for s in report.sections)
    assert "tx=TX-4" in lines and "payments: server_error" in lines and token in lines
    stored = await bot.bot.store.actions.escalations(reference)  # type: ignore[union-attr]
    assert [(e.escalated_by, e.delivered) for e in stored] == [("agent", False)]


async def test_escalating_an_unknown_reference_says_so(bot: BotTester) -> None:
    reply = await bot.bot.actions.escalate("000000000000", AGENT)
    assert reply.outcome is Outcome.NOT_FOUND and "no command run" in (reply.text or "")


async def test_actions_need_the_database() -> None:
    async with BotTester.fake(
        {"payments": {"POST /do": payments}}, commands=[zap], with_store=False
    ) as bot:
        reply = await bot.run("/zap TX-1")
    assert reply.outcome is Outcome.ERROR and "database" in (reply.text or "")


@command("zap-away", confirm="Zap {tx}?")
async def zap_away(ctx: Context, tx: TransactionId) -> Reply:
    """An action that fails as the database goes away under it."""
    assert ctx.store is not None
    ctx.store.writer.notice("PostgreSQL cannot be reached: connection refused")
    return Reply(outcome=Outcome.ERROR, text=f"{tx} may not have been done.")


async def test_a_failed_action_whose_retry_cannot_be_stored_still_answers_with_escalate() -> None:
    async with BotTester.fake({}, commands=[zap_away]) as bot:
        store = bot.bot.store
        assert store is not None
        token = await ask(bot, "/zap-away TX-5")
        failed = await bot.bot.actions.confirm(token, AGENT)
        assert failed.outcome is Outcome.ERROR
        assert (failed.text or "").startswith("TX-5 may not have been done.")
        assert "Retry is not offered" in (failed.text or "")
        assert {b.action for b in failed.buttons} == {"escalate"}
        # The run's outcome waited in the spool and arrives once the database is back.
        for _ in range(200):
            if store.health().ok and not store.health().spooled:
                break
            await asyncio.sleep(0.05)
        run = await store.actions.get_run(token)
        assert run is not None and run.status == "failed", run
