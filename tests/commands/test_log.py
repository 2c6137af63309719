"""/log and /done: interactions, with the lookups made during them attached.

On SQLite and PostgreSQL, against the real sample services."""

from __future__ import annotations

from supportbot import Outcome
from supportbot.testing import BotTester


async def test_log_lookup_done_leave_one_interaction_with_the_lookup_attached(
    record_bot: BotTester,
) -> None:
    logged = await record_bot.run("/log 0812-3456-7890 #settlement/delayed")
    assert logged.outcome is Outcome.OK and (logged.text or "").startswith("Logged I-")
    ref = (logged.text or "").split()[1]
    await record_bot.run("/merchant 0812-3456-7890")
    closed = await record_bot.run("/done #resolution/solved explained the cut-off --mood calm")
    assert closed.outcome is Outcome.OK and ref in (closed.text or "")
    store = record_bot.bot.store
    assert store is not None
    interactions = await store.record.interactions(merchant_id="M-10001")
    assert [i.ref for i in interactions] == [ref]
    (done,) = interactions
    assert done.closed_at is not None and done.mood == "calm" and done.first_reply_at is not None
    page = await store.record.timeline("M-10001")
    kinds = [e.kind for e in reversed(page.events)]
    assert kinds == ["opened", "tagged", "command", "tagged", "note", "closed"]
    lookup = next(e for e in page.events if e.kind == "command")
    assert lookup.interaction_ref == ref and lookup.summary.startswith("/merchant")
    assert "3456" not in lookup.summary  # masked, like the audit trail
    timeline = await record_bot.run("/timeline M-10001")
    lines = [item for s in timeline.sections for item in s.items]
    assert len(lines) == 6 and "closed" in lines[0] and "opened" in lines[-1]


async def test_a_lookup_without_an_interaction_is_marked_so(record_bot: BotTester) -> None:
    await record_bot.run("/merchant M-10001")
    page = await record_bot.bot.store.record.timeline("M-10001")  # type: ignore[union-attr]
    (line,) = page.events
    assert line.interaction_ref is None and "(no interaction)" in line.summary


async def test_done_without_an_open_interaction_says_how_to_open_one(record_bot: BotTester) -> None:
    reply = await record_bot.run("/done")
    assert reply.outcome is Outcome.REJECTED and "/log" in (reply.text or "")


async def test_a_second_log_is_refused_until_the_first_is_closed(record_bot: BotTester) -> None:
    await record_bot.run("/log M-10001")
    second = await record_bot.run("/log M-10002")
    assert second.outcome is Outcome.REJECTED and "/done" in (second.text or "")
