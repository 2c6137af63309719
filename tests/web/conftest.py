"""A dashboard on a bot with a seeded week of command runs, served on a free loopback port."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from supportbot.record.insight import Insight
from supportbot.record.sample_activity import audit_rows, service_hours
from supportbot.storage import AuditEntry
from supportbot.testing import BotTester
from supportbot.web.dashboard import serve_dashboard

COMMANDS = Path(__file__).resolve().parents[2] / "commands"
TOKEN = "test-dashboard-token-0123456789"
PHONE = "0812-3456-7890"
EMAIL = "budi.santoso@example.id"


@dataclass
class Served:
    url: str
    bot: BotTester
    insight: Insight


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    async with BotTester.demo(commands=[COMMANDS]) as bot:
        store = bot.bot.store
        assert store is not None
        insight = Insight(store, bot.bot.settings, bot.bot.registry)
        now = datetime.now(UTC)
        start = now - timedelta(days=5)  # all inside the last 7 days
        zone = insight.config.zone
        rows = [r for r in audit_rows(start, 5, per_weekday=120, zone=zone) if r["at"] < now]
        await asyncio.gather(*(store.audit.record(AuditEntry(**row)) for row in rows))  # type: ignore[arg-type]
        # hostile: personal data where a name would be (the dashboard masks every text)
        await store.audit.record(
            AuditEntry(
                request_id="hostile",
                user_id="U1",
                adapter="test",
                outcome="ok",
                duration_ms=5.0,
                at=now - timedelta(hours=1),
                command=f"lookup {PHONE} {EMAIL}",
            )
        )
        await store.stats.record_service_minutes(
            "test", list(service_hours(now - timedelta(hours=20), 1, calls_per_hour=30))[:40]
        )
        async with serve_dashboard(insight, TOKEN, port=0) as url:
            yield Served(url, bot, insight)
