"""/reopen: a closed interaction opened again by its agent, marked for the QA sample.

On SQLite and PostgreSQL, against the real sample services."""

from __future__ import annotations

import pytest

from supportbot import Outcome
from supportbot.testing import BotTester

from .conftest import BUDI


async def logged_and_closed(bot: BotTester) -> str:
    logged = await bot.run("/log M-10001 #settlement/delayed")
    ref = (logged.text or "").split()[1]
    await bot.run("/done #resolution/solved told the cut-off")
    return ref


async def test_a_reopened_interaction_is_open_again_and_marked(record_bot: BotTester) -> None:
    ref = await logged_and_closed(record_bot)
    reopened = await record_bot.run(f"/reopen {ref.lower()}")
    assert reopened.outcome is Outcome.OK and f"{ref} is open again" in (reopened.text or "")
    store = record_bot.bot.store
    assert store is not None
    found = await store.record.interaction(ref)
    assert found is not None and found.closed_at is None and found.reopened_at is not None
    page = await store.record.timeline("M-10001")
    assert page.events[0].kind == "reopened" and page.events[0].interaction_ref == ref
    closed = await record_bot.run("/done")  # closed again as usual, still marked
    assert closed.outcome is Outcome.OK
    again = await store.record.interaction(ref)
    assert again is not None and again.closed_at is not None and again.reopened_at is not None


async def test_only_its_agent_reopens_it(record_bot: BotTester) -> None:
    ref = await logged_and_closed(record_bot)
    refused = await record_bot.run(f"/reopen {ref}", user=BUDI)
    assert refused.outcome is Outcome.REJECTED and "handled by ani" in (refused.text or "")


async def test_an_open_one_or_a_second_open_one_is_refused(record_bot: BotTester) -> None:
    ref = await logged_and_closed(record_bot)
    await record_bot.run("/log M-10002")
    busy = await record_bot.run(f"/reopen {ref}")
    assert busy.outcome is Outcome.REJECTED and "/done first" in (busy.text or "")
    await record_bot.run("/done")
    await record_bot.run(f"/reopen {ref}")
    still = await record_bot.run(f"/reopen {ref}")
    assert still.outcome is Outcome.REJECTED and "still open" in (still.text or "")


@pytest.mark.parametrize(
    "typed", ["", "M-10001", "I-ZZZZZZ", "'; drop table interactions", "Ｉ-１"]
)
async def test_what_is_not_a_closed_interaction_gets_a_clear_answer(
    record_bot: BotTester, typed: str
) -> None:
    reply = await record_bot.run(f"/reopen {typed}".strip())
    assert reply.outcome is Outcome.REJECTED and reply.text
    assert "Traceback" not in reply.text
