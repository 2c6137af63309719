"""/stats kpi and /stats agents: figures equal the ones computed from the stored rows, agents
is for leads only, and bad input gets usage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from supportbot import Outcome
from supportbot.core.kpi_settings import KpiSettings
from supportbot.core.render import render_text
from supportbot.record.kpi import nearest_rank
from supportbot.record.sla import SlaClock
from supportbot.record.wording import first_response_line, resolution_line
from supportbot.storage import Interaction
from supportbot.testing import BotTester

from .conftest import BUDI, LINA

CLOCK = SlaClock.of(KpiSettings())


async def _seed(bot: BotTester) -> list[Interaction]:
    store = bot.bot.store
    assert store is not None
    opened = datetime.now(UTC) - timedelta(days=2)
    rows = []
    for n, (agent, reply_min, csat) in enumerate(
        [("ani", 3, 5), ("ani", 30, 1), ("budi", 1, 4), ("budi", 2, None), ("budi", 50, 3)]
    ):
        bare = Interaction(
            ref=f"I-KPI00{n}",
            channel="chat",
            agent_id=f"terminal:{agent}",
            agent_name=agent,
            opened_at=opened + timedelta(minutes=n),
            first_reply_at=opened + timedelta(minutes=n + reply_min),
            closed_at=opened + timedelta(minutes=n + reply_min + 10),
            csat=csat,
        )
        rows.append(Interaction(**{**bare.__dict__, **CLOCK.backfill(bare)}))
    await store.record.import_rows(rows)
    return rows


async def test_kpi_figures_equal_those_of_the_stored_rows(record_bot: BotTester) -> None:
    rows = await _seed(record_bot)
    reply = await record_bot.run("/stats kpi 7d")
    assert reply.outcome is Outcome.OK
    text = render_text(reply)
    first = [r.first_response_s for r in rows if r.first_response_s is not None]
    closes = [r.resolution_s for r in rows if r.resolution_s is not None]
    items = reply.sections[0].items
    assert items[0] == first_response_line(nearest_rank(first, 50), nearest_rank(first, 90), 5)
    assert items[1] == resolution_line(nearest_rank(closes, 50), nearest_rank(closes, 90), 5)
    assert "5 interactions opened" in text
    csat = "CSAT: 50.0 % rated 4 or 5, of 4 ratings · response rate 80.0 % of 5 closed"
    assert csat in reply.sections[0].items
    assert "median" in text and "mean" not in text.replace("means", "")
    assert reply.charts


async def test_agents_is_for_leads_only(record_bot: BotTester) -> None:
    await _seed(record_bot)
    denied = await record_bot.run("/stats agents", user=BUDI)
    assert denied.outcome is Outcome.DENIED and "lead" in (denied.text or "")
    reply = await record_bot.run("/stats agents 7d", user=LINA)
    assert reply.outcome is Outcome.OK
    text = render_text(reply)
    assert "budi: 3 contacts" in text and "ani: 2 contacts" in text
    assert text.index("budi:") < text.index("ani:")  # most contacts first
    ani = next(item for item in reply.sections[0].items if item.startswith("ani:"))
    assert ani.endswith("CSAT 50.0 % of 2 ratings")  # a 5 and a 1
    assert reply.charts


async def test_an_empty_period_says_so(record_bot: BotTester) -> None:
    reply = await record_bot.run("/stats kpi 1h")
    assert "No interactions were opened in the last 1 hour" in (reply.text or "")


async def test_a_wrong_view_or_period_gets_usage(record_bot: BotTester) -> None:
    for text in ("/stats kpis", "/stats kpi 9999d", "/stats agents ∞", "/stats kpi #tag"):
        reply = await record_bot.run(text, user=LINA)
        assert reply.outcome is Outcome.REJECTED, text
        assert reply.usage is not None or "tag" in (reply.text or ""), text
