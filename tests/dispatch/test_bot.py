"""The dispatch chain: parse, validate, confirm, run under a deadline, recover, audit."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from supportbot import Context, MerchantRef, Outcome, Reply, TransactionId, User, command
from supportbot.testing import BotTester

CALLS: list[str] = []


@command("echo", examples=("/echo M-10001",))
async def echo(ctx: Context, who: MerchantRef) -> str:
    """Says who."""
    CALLS.append(who.value)
    return f"{who.kind}:{who.value}"


@command("crash")
async def crash(ctx: Context) -> Reply:
    """Always fails."""
    raise RuntimeError("database password is hunter2")


@command("slow", timeout_s=0.2)
async def slow(ctx: Context) -> Reply:
    """Never finishes in time."""
    await asyncio.sleep(30)
    return Reply(text="too late")


@command("fanout")
async def fanout(ctx: Context) -> Reply:
    """Two services, one failing."""
    good, bad = await ctx.gather(
        ctx.services.merchants.get("/merchants/M-1"), ctx.services.billing.get("/accounts/M-1")
    )
    return Reply(text=f"name={good.data['name']} billing_ok={bad.ok}")


async def check(ctx: Context, tx: TransactionId) -> Any:
    if str(tx) == "TX-404":
        return Reply(outcome=Outcome.NOT_FOUND, text="no such transaction")
    return {"amount": "Rp 1.000"}


@command("zap", confirm="Zap {tx} for {amount}?", preview=check)
async def zap(ctx: Context, tx: TransactionId) -> Reply:
    """An action."""
    CALLS.append(f"zap {tx} key={ctx.idempotency_key}")
    return Reply(text=f"zapped {tx}")


COMMANDS = [echo, crash, slow, fanout, zap]
RESPONSES = {
    "merchants": {"/merchants/M-1": {"name": "Toko Satu"}},
    "billing": {"/accounts/M-1": 503},
}
OTHER = User(id="test:other", name="other")


@pytest.fixture
async def bot():
    CALLS.clear()
    async with BotTester.fake(RESPONSES, commands=COMMANDS) as tester:
        yield tester


async def records(bot: BotTester) -> list[Any]:
    assert bot.bot.store is not None
    return await bot.bot.store.audit.query(limit=100)


async def test_valid_command_runs_with_normalised_arguments(bot: BotTester) -> None:
    reply = await bot.run("/echo m10001")
    assert reply.outcome is Outcome.OK and reply.text == "merchant_id:M-10001"


async def test_leading_slash_is_optional(bot: BotTester) -> None:
    assert (await bot.run("echo M-10001")).text == "merchant_id:M-10001"


async def test_unknown_command_is_rejected_with_a_suggestion(bot: BotTester) -> None:
    reply = await bot.run("/ecko M-10001")
    assert reply.outcome is Outcome.REJECTED
    assert "/echo" in (reply.text or "")
    [record] = await records(bot)
    assert record.outcome == "rejected" and record.command == "ecko"


@pytest.mark.parametrize("typed", ["y", "Yes", "/no", "OK"])
async def test_an_answer_with_no_question_waiting_says_so(bot: BotTester, typed: str) -> None:
    reply = await bot.run(typed)
    assert reply.outcome is Outcome.REJECTED
    assert "Nothing is waiting for a" in (reply.text or "") and "no command" not in (
        reply.text or ""
    )


async def test_invalid_argument_gets_usage_and_example_and_the_handler_never_runs(
    bot: BotTester,
) -> None:
    reply = await bot.run("/echo 0812")
    assert reply.outcome is Outcome.REJECTED
    assert reply.usage and reply.usage.startswith("/echo")
    assert reply.example == "/echo M-10001"
    assert CALLS == []


async def test_help_flag_shows_the_command_help(bot: BotTester) -> None:
    reply = await bot.run("/echo --help")
    assert reply.outcome is Outcome.OK and reply.title == "/echo"
    assert CALLS == []


async def test_a_crash_shows_a_reference_not_a_traceback(bot: BotTester) -> None:
    reply = await bot.run("/crash")
    assert reply.outcome is Outcome.ERROR and reply.error_ref
    assert f"Run /escalate {reply.error_ref} to send the details" in (reply.text or "")
    assert "hunter2" not in reply.model_dump_json() and "Traceback" not in (reply.text or "")
    [record] = await records(bot)
    assert record.request_id == reply.error_ref
    assert "RuntimeError: database password is hunter2" in (record.error or "")


async def test_a_command_past_its_deadline_gets_a_timeout_answer(bot: BotTester) -> None:
    reply = await bot.run("/slow")
    assert reply.outcome is Outcome.TIMEOUT and "0.2 s" in (reply.text or "")
    [record] = await records(bot)
    assert record.outcome == "timeout"


async def test_a_failed_service_costs_only_its_part_and_is_named(bot: BotTester) -> None:
    reply = await bot.run("/fanout")
    assert reply.outcome is Outcome.OK
    assert reply.text == "name=Toko Satu billing_ok=False"
    assert [(w.service, w.kind) for w in reply.warnings] == [("billing", "server_error")]
    assert "billing" in reply.warnings[0].text and "503" in reply.warnings[0].text
    [record] = await records(bot)
    assert record.service_errors == [{"service": "billing", "kind": "server_error"}]


async def test_action_asks_first_then_runs_once_with_an_idempotency_key(bot: BotTester) -> None:
    pending = await bot.run("/zap TX-1")
    assert pending.outcome is Outcome.PENDING and CALLS == []
    assert pending.text == "Zap TX-1 for Rp 1.000?"
    assert pending.confirmation is not None
    token = pending.confirmation.token
    done = await bot.bot.actions.confirm(token, bot.user)
    assert done.text == "zapped TX-1"
    assert CALLS == [f"zap TX-1 key={token}"]
    again = await bot.bot.actions.confirm(token, bot.user)
    assert again.outcome is Outcome.OK and "Already done" in (again.text or "")
    assert "zapped TX-1" in (again.text or "")
    assert len(CALLS) == 1


async def test_only_the_requester_can_confirm(bot: BotTester) -> None:
    pending = await bot.run("/zap TX-1")
    assert pending.confirmation is not None
    refused = await bot.bot.actions.confirm(pending.confirmation.token, OTHER)
    assert refused.outcome is Outcome.REJECTED and "Only the person" in (refused.text or "")
    assert CALLS == []


async def test_an_expired_confirmation_does_nothing_and_says_why(bot: BotTester) -> None:
    pending = await bot.run("/zap TX-1")
    assert pending.confirmation is not None
    assert await bot.expire_confirmations() == 1
    late = await bot.bot.actions.confirm(pending.confirmation.token, bot.user)
    assert "expired" in (late.text or "") and CALLS == []


async def test_cancel_changes_nothing(bot: BotTester) -> None:
    reply = await bot.run("/zap TX-1", confirm=False)
    assert reply.outcome is Outcome.CANCELLED and CALLS == []


async def test_preview_can_stop_an_action_before_asking(bot: BotTester) -> None:
    reply = await bot.run("/zap TX-404")
    assert reply.outcome is Outcome.NOT_FOUND and reply.confirmation is None


async def test_every_run_leaves_one_record_with_personal_data_masked(bot: BotTester) -> None:
    await bot.run("/echo 0812-3456-7890")
    await bot.run("/echo sinar@example.id")
    await bot.run("/echo 0812-3456-78901234 extra words")  # rejected: raw text is masked too
    found = await records(bot)
    assert len(found) == 3
    text = " ".join(r.arguments for r in found)
    for raw in ("3456", "sinar@", "6281234567890"):
        assert raw not in text
    assert [r.outcome for r in found] == ["rejected", "ok", "ok"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "/",
        "/echo",
        '/echo "unclosed',
        "/echo " + "9" * 100_000,
        "/echo \x00\x1b[31mred",
        "/echo $(rm -rf /); `id` | cat && echo",
        "/echo 🙂🙂🙂",
        "/🙂",
        "/echo M-10001 --nope",
        "/echo -- --",
    ],
)
async def test_hostile_input_gets_an_answer_never_an_exception(bot: BotTester, text: str) -> None:
    reply = await bot.run(text)
    assert reply.outcome in (Outcome.REJECTED, Outcome.OK)
    assert reply.text
    assert "Traceback" not in reply.model_dump_json()


@command("partial", timeout_s=1.0)
async def partial(ctx: Context) -> Reply:
    """One service hangs past the command's deadline; the other answers."""
    good, hung = await ctx.gather(
        ctx.services.merchants.get("/merchants/M-1"), ctx.services.billing.get("/hang")
    )
    return Reply(text=f"name={good.data['name']} billing={hung.error.kind if hung.error else 'ok'}")


async def test_a_service_hanging_past_the_deadline_still_leaves_an_answer() -> None:
    async def hang(request: Any) -> Any:
        await asyncio.sleep(30)

    responses = {"merchants": {"/merchants/M-1": {"name": "Toko Satu"}}, "billing": {"/hang": hang}}
    async with BotTester.fake(responses, commands=[partial]) as tester:
        reply = await tester.run("/partial")
    assert reply.outcome is Outcome.OK
    assert reply.text == "name=Toko Satu billing=timeout"
    assert [w.service for w in reply.warnings] == ["billing"]


async def test_a_run_abandoned_on_the_way_is_recorded_as_cancelled(bot: BotTester) -> None:
    running = asyncio.create_task(bot.run("/slow"))
    await asyncio.sleep(0.05)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    [record] = await records(bot)
    assert record.command == "slow" and record.outcome == "cancelled"
