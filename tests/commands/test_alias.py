"""/alias: learnt phone numbers, one merchant each.

On SQLite and PostgreSQL, against the real sample services."""

from __future__ import annotations

from supportbot import Outcome
from supportbot.testing import BotTester

from .conftest import BUDI


async def test_a_saved_number_finds_the_merchant_and_says_so(record_bot: BotTester) -> None:
    question = await record_bot.run("/alias 0813-5555-0001 M-10001")
    assert question.confirmation is not None and "Toko Sinar Jaya" in question.confirmation.prompt
    saved = await record_bot.run("/alias 0813-5555-0001 M-10001", confirm=True)
    assert saved.outcome is Outcome.OK
    card = await record_bot.run("/merchant 0813-5555-0001")
    assert card.title is not None and card.title.startswith("Toko Sinar Jaya")
    assert "via a number saved by @ani on" in (card.text or "")
    taken = await record_bot.run("/alias +62 813 5555 0001 M-10002", confirm=True, user=BUDI)
    assert taken.outcome is Outcome.REJECTED
    assert "already saved for M-10001" in (taken.text or "") and "ani" in (taken.text or "")
    removed = await record_bot.run("/alias remove 0813-5555-0001", confirm=True)
    assert removed.outcome is Outcome.OK
    assert (await record_bot.run("/merchant 0813-5555-0001")).outcome is Outcome.NOT_FOUND
