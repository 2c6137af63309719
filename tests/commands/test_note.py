"""/note: notes on merchants and interactions, retracted not deleted.

On SQLite and PostgreSQL, against the real sample services."""

from __future__ import annotations

from supportbot import Outcome
from supportbot.testing import BotTester

from .conftest import BUDI, LINA, record_items


async def test_a_note_shows_on_the_card(record_bot: BotTester) -> None:
    added = await record_bot.run("/note M-10001 customer asked about QRIS settlement")
    assert added.outcome is Outcome.OK
    card = await record_bot.run("/merchant M-10001")
    assert any("customer asked about QRIS settlement" in item for item in record_items(card))


async def test_a_note_is_retracted_by_its_author_or_a_lead_only(record_bot: BotTester) -> None:
    added = await record_bot.run("/note M-10001 wrong merchant, sorry")
    ref = (added.text or "").split()[1]
    refused = await record_bot.run(f"/note retract {ref}", user=BUDI)
    assert refused.outcome is Outcome.REJECTED and "ani" in (refused.text or "")
    assert (await record_bot.run(f"/note retract {ref}", user=LINA)).outcome is Outcome.OK
    again = await record_bot.run(f"/note retract {ref}")
    assert again.outcome is Outcome.REJECTED and "already" in (again.text or "")
    card = await record_bot.run("/merchant M-10001")
    assert not any(ref in item for item in record_items(card))


async def test_a_note_too_long_says_the_limit(record_bot: BotTester) -> None:
    reply = await record_bot.run("/note M-10001 " + "x" * 2500)
    assert reply.outcome is Outcome.REJECTED and "2,000" in (reply.text or "")


async def test_a_note_keeps_unicode_and_masks_phone_numbers_on_the_timeline(
    record_bot: BotTester,
) -> None:
    await record_bot.run("/note M-10001 Pak Budi 🙂 called from 0812-3456-7890")
    page = await record_bot.bot.store.record.timeline("M-10001")  # type: ignore[union-attr]
    assert "🙂" in page.events[0].summary and "3456" not in page.events[0].summary
