"""A dashboard on a bot with a seeded week of command runs and the demo's month of contacts,
a contact today, an active known issue and a half-reviewed QA week, on a free loopback port.
Each test gets its own copy of one database seeded so, and a bot and dashboard of its own."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from supportbot import Outcome, User
from supportbot.app.record_demo import seed_demo_record
from supportbot.core.settings import Settings, kpi_settings, load_settings
from supportbot.record.insight import Insight
from supportbot.record.qa_sample import last_week
from supportbot.record.sample_activity import audit_rows, service_hours
from supportbot.storage import AuditEntry
from supportbot.testing import BotTester
from supportbot.web.dashboard import serve_dashboard
from tests.schema_replay import sqlite_image

COMMANDS = Path(__file__).resolve().parents[2] / "commands"
TOKEN = "test-dashboard-token-0123456789"
PHONE = "0812-3456-7890"
EMAIL = "budi.santoso@example.id"
#: The lead of these tests: opens the known issue, draws and reviews the QA week.
LEAD = User(id="test:lina", name="lina")


@dataclass
class Served:
    url: str
    bot: BotTester
    insight: Insight


async def _seed_record(bot: BotTester) -> None:
    """The demo's month of contacts, one handled today, a known issue whose title holds a phone
    number (the page masks it), and last week's QA sample with one review scored."""
    assert await seed_demo_record(bot.bot)
    logged = await bot.run("/log M-10001 #settlement/delayed caller asked twice")
    ref = (logged.text or "").split()[1]
    await bot.run("/done #resolution/solved explained the cut-off")
    await bot.run(f"/csat {ref} 5")
    opened = await bot.run(
        f'/incident open "Payouts late, call {PHONE}" --tag settlement/delayed', user=LEAD
    )
    assert "KI-" in (opened.text or ""), opened.text
    zone = kpi_settings(bot.bot.settings).business_hours.time_zone
    drawn = await bot.run(f"/qa draw {last_week(datetime.now(UTC), zone)}", user=LEAD)
    queue = " ".join(i for s in drawn.sections for i in s.items)
    first = queue.split(" · ")[0].split()[-1]
    scored = await bot.run(f"/qa review {first} 3 4 n/a 2 fine", user=LEAD)
    assert scored.outcome is Outcome.OK, scored.text


async def _seed(bot: BotTester) -> None:
    """Everything the page shows: the record, a week of runs, a hostile run, service minutes."""
    store = bot.bot.store
    assert store is not None
    await _seed_record(bot)
    now = datetime.now(UTC)
    start = now - timedelta(days=5)  # all inside the last 7 days
    zone = Insight(store, bot.bot.settings, bot.bot.registry).config.zone
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


def _settings(folder: Path) -> Settings:
    return load_settings(None, data_dir=str(folder), roles={"lead": {"members": ["login:lina"]}})


#: The seeded database's bytes, made by the first test of this process that needs it: seeding
#: runs about 30 commands and writes 600 rows, and each test gets its own copy of the result.
_SEEDED: list[bytes] = []


async def _seeded_database() -> bytes:
    if not _SEEDED:
        with tempfile.TemporaryDirectory(prefix="supportbot-dashboard-") as folder:
            async with BotTester.demo(commands=[COMMANDS], settings=_settings(Path(folder))) as bot:
                await _seed(bot)
            _SEEDED.append(sqlite_image(Path(folder) / "supportbot.db"))
    return _SEEDED[0]


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    (tmp_path / "supportbot.db").write_bytes(await _seeded_database())
    async with BotTester.demo(commands=[COMMANDS], settings=_settings(tmp_path)) as bot:
        store = bot.bot.store
        assert store is not None
        insight = Insight(store, bot.bot.settings, bot.bot.registry)
        async with serve_dashboard(insight, TOKEN, port=0) as url:
            yield Served(url, bot, insight)
