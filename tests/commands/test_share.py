"""/share-today: one closed interaction of yesterday, masked, once a day, leads only."""

from __future__ import annotations

from supportbot import Outcome
from supportbot.core.settings import stats_settings
from supportbot.testing import BotTester
from tests.record.share_helpers import closed_contact, yesterday_noon

from .conftest import LINA


async def test_only_leads_share(record_bot: BotTester) -> None:
    reply = await record_bot.run("/share-today")
    assert reply.outcome is Outcome.DENIED
    assert "only people with the lead role can" in (reply.text or "")


async def test_nothing_to_share_says_why(record_bot: BotTester) -> None:
    reply = await record_bot.run("/share-today", user=LINA)
    assert reply.outcome is Outcome.NOT_FOUND
    assert "Nothing to share from" in (reply.text or "")
    assert "not shared in the last 30 days" in (reply.text or "")


async def test_the_share_is_masked_skips_private_and_runs_once_a_day(
    record_bot: BotTester,
) -> None:
    store = record_bot.bot.store
    assert store is not None
    noon = yesterday_noon(stats_settings(record_bot.bot.settings).zone)
    note = "Budi called from 0812-3456-7890, budi@example.id, about M-10001: refund sent ✅"
    await closed_contact(store, "I-SHARE1", "M-10001", noon, note=note, tags=("payment/refund",))
    await closed_contact(store, "I-PRIVAT", "M-10002", noon, tags=("privacy/private",))
    await closed_contact(store, "I-NONOTE", "M-10003", noon, note=None)
    reply = await record_bot.run("/share-today", user=LINA)
    assert reply.outcome is Outcome.OK, reply.text
    text = reply.text or ""
    assert "It is recorded but not posted: no share channel is configured" in text
    assert "A chat · 12 min · resolved · #payment/refund · handled by ani" in text
    assert "refund sent ✅" in text
    for personal in ("3456", "budi@example.id", "M-10001"):
        assert personal not in text
    assert reply.footer == "I-SHARE1 · personal data masked · /share-today"
    again = await record_bot.run("/share-today", user=LINA)
    assert "Today's share (I-SHARE1) was picked at" in (again.text or "")
    assert "one a day" in (again.text or "")
