"""/stats commands and /stats services: the numbers equal a direct count of the audit trail,
time saved follows the stated method, and bad input gets usage, never a traceback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from supportbot import Outcome
from supportbot.core.render import render_text
from supportbot.storage import AuditEntry, AuditRecord, ServiceMinute
from supportbot.testing import BotTester

from .conftest import COMMANDS


async def _seed(bot: BotTester, rows: list[tuple[str, str, float, str | None]]) -> None:
    store = bot.bot.store
    assert store is not None
    now = datetime.now(UTC) - timedelta(hours=1)
    for n, (command, outcome, ms, target) in enumerate(rows):
        await store.audit.record(
            AuditEntry(
                request_id=f"seed-{n}",
                user_id="U1",
                adapter="test",
                outcome=outcome,
                duration_ms=ms,
                at=now,
                command=command,
                target=target,
            )
        )


async def test_runs_by_command_match_a_direct_count(bot: BotTester) -> None:
    await _seed(
        bot,
        [("merchant", "ok", float(ms), "M-10001") for ms in range(10, 110, 10)]
        + [("resend-receipt", "ok", 300.0, "TX-1042"), ("help", "ok", 1.0, None)]
        + [("merchant", "not_found", 50.0, "M-99999")],
    )
    reply = await bot.run("/stats commands 7d")
    assert reply.outcome is Outcome.OK
    store = bot.bot.store
    assert store is not None
    async with store.sessions() as session:
        merchant_ok = await session.scalar(
            select(func.count())
            .select_from(AuditRecord)
            .where(AuditRecord.command == "merchant", AuditRecord.outcome == "ok")
        )
    items = reply.sections[0].items
    line = next(item for item in items if item.startswith("/merchant ok:"))
    assert f"{merchant_ok} runs" in line
    assert "p50 50 ms" in line and "p90 90 ms" in line and "p95 100 ms" in line
    # 10 lookups + 1 action (resend-receipt is a declared action); /help is about no customer,
    # a merchant not found saved nobody time
    assert "10 lookups and 1 action" in (reply.text or "")
    assert f"about {11 * 7.45 / 60:.1f} hours saved" in (reply.text or "")
    assert "Method:" in (reply.sections[1].text or "")
    assert reply.charts and reply.charts[0].labels[0] == "/merchant"
    text = render_text(reply)
    assert "█" in text and "Runs by command" in text


async def test_services_report_every_replicas_calls(bot: BotTester) -> None:
    store = bot.bot.store
    assert store is not None
    minute = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=5)
    buckets = [0] * 12
    buckets[3] = 8  # (25 ms, 50 ms]
    buckets[5] = 2  # (100 ms, 250 ms]
    await store.stats.record_service_minutes(
        "replica-a", [ServiceMinute(minute, "billing", 10, 2, 0.9, buckets)]
    )
    await store.stats.record_service_minutes(
        "replica-b", [ServiceMinute(minute, "billing", 10, 0, 0.9, buckets)]
    )
    reply = await bot.run("/stats services")
    (line,) = [item for item in reply.sections[0].items if item.startswith("billing")]
    assert "20 calls" in line and "2 errors (10.0%)" in line
    assert "p95 ~" in line
    assert "estimated" in (reply.footer or "")


async def test_an_empty_period_says_so(bot: BotTester) -> None:
    reply = await bot.run("/stats services 24h")
    assert reply.outcome is Outcome.OK
    assert "No service calls were recorded in the last 24 hours" in (reply.text or "")


@pytest.mark.parametrize(
    "text",
    [
        "/stats",
        "/stats commands 0d",
        "/stats commands 9999d",
        "/stats commands 7x",
        "/stats commands '; DROP TABLE audit_records; --",
        "/stats commands \x1b[31m7d",
        "/stats 🤖",
        "/stats commands " + "7" * 3000,
    ],
)
async def test_bad_input_gets_usage_not_a_traceback(bot: BotTester, text: str) -> None:
    reply = await bot.run(text)
    assert reply.outcome is Outcome.REJECTED
    assert reply.usage and "/stats" in reply.usage
    assert "Traceback" not in render_text(reply)


async def test_without_a_database_it_says_how_to_get_one() -> None:
    async with BotTester.demo(commands=[COMMANDS], with_store=False) as bot:
        reply = await bot.run("/stats commands")
    assert reply.outcome is Outcome.REJECTED
    assert "database" in render_text(reply)


async def test_tags_rank_with_counts_equal_to_a_direct_count(bot: BotTester) -> None:
    for tags in ("#payment/failed", "#payment/failed #device/offline", "#payment/failed"):
        await bot.run(f"/log M-10001 {tags} called in")
        await bot.run("/done #resolution/solved")
    reply = await bot.run("/stats tags 7d")
    store = bot.bot.store
    assert store is not None
    from supportbot.storage import TagRow

    async with store.sessions() as session:
        failed = await session.scalar(
            select(func.count(func.distinct(TagRow.interaction_ref))).where(
                TagRow.tag == "payment/failed", TagRow.removed_at.is_(None)
            )
        )
    items = reply.sections[0].items
    assert items[0].startswith(f"payment/failed: {failed} ") and failed == 3
    assert any(item.startswith("device/offline: 1 ") for item in items)
    # how a contact ended is not why it came: the reason group is ranked apart
    assert not any(item.startswith("resolution/") for item in items)
    assert reply.sections[1].title == "How they ended"
    assert reply.sections[1].items[0].startswith("resolution/solved: 3 ")
    assert "Rising sharply" not in (reply.text or "")  # 3 < sharp_rise_min


async def test_hours_put_each_contact_at_its_local_hour(bot: BotTester) -> None:
    await bot.run("/log M-10001 #payment/failed called in")
    reply = await bot.run("/stats hours 30d")
    local = datetime.now(UTC).astimezone(__import__("zoneinfo").ZoneInfo("Asia/Jakarta"))
    assert f"Busiest hour: {local.hour:02d}:00" in (reply.text or "")
    assert [chart.kind for chart in reply.charts] == ["bar", "heatmap"]
    heatmap = reply.charts[1]
    assert heatmap.grid[local.weekday()][local.hour] == 1.0
    tagged = await bot.run("/stats hours 30d #device/offline")
    assert "No contacts tagged device/offline" in (tagged.text or "")
