"""/status: the health of every service and the database, for agents."""

from __future__ import annotations

from supportbot import Outcome
from supportbot.testing import BotTester


def lines(reply) -> dict[str, str]:
    return {
        f.label.split(" ", 1)[1]: f"{f.label.split(' ', 1)[0]} {f.value}"
        for s in reply.sections
        for f in s.fields
    }


async def test_all_healthy_says_so_with_each_latency(bot: BotTester) -> None:
    reply = await bot.run("/status")
    assert reply.outcome is Outcome.OK
    assert reply.title == "Service health"
    assert reply.text == "All 7 checks pass."
    shown = lines(reply)
    assert set(shown) == {
        "merchants",
        "billing",
        "devices",
        "transactions",
        "receipts",
        "notifications",
        "database",
    }
    assert shown["billing"].startswith("🟢 answers in ") and shown["billing"].endswith(" ms")
    assert shown["database"] == "🟢 answers; writes are committed"


async def test_a_stopped_service_is_named_with_the_reason(bot: BotTester) -> None:
    await bot.sample.stop_service("billing")
    reply = await bot.run("/status")
    assert reply.outcome is Outcome.OK
    assert reply.text == "1 of 7 checks have problems: billing."
    shown = lines(reply)
    assert shown["billing"].startswith("🔴 billing could not be reached")
    assert shown["devices"].startswith("🟢")


async def test_recent_failures_and_an_open_breaker_are_shown(bot: BotTester) -> None:
    bot.sample.set_failure("devices", "error")
    for _ in range(5):  # nine attempts each: the breaker opens after 20 failed attempts in a row
        await bot.run("/merchant M-10001")
    bot.sample.set_failure("devices", "ok")
    reply = await bot.run("/status")
    shown = lines(reply)
    # The service answers again, but commands do not call it until the breaker's probe.
    assert shown["devices"].startswith("🟡 answers in ")
    assert "circuit open: commands do not call it" in shown["devices"]
    assert "calls failed in the last 5 min" in shown["devices"]
    assert "devices" in (reply.text or "")
