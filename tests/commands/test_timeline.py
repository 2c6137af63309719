"""/timeline: paging and filters.

On SQLite and PostgreSQL, against the real sample services."""

from __future__ import annotations

from supportbot.testing import BotTester


async def test_the_timeline_pages_and_filters(record_bot: BotTester) -> None:
    for n in range(25):
        await record_bot.run(f"/note M-10001 note {n}")
    await record_bot.run("/tag M-10001 +device/offline")
    first = await record_bot.run("/timeline M-10001")
    assert len(first.sections[0].items) == 20 and first.choices
    older = await record_bot.run(first.choices[0].command)
    assert len(older.sections[0].items) == 6
    tagged = await record_bot.run("/timeline M-10001 --tag device/offline --since 7d")
    assert len(tagged.sections[0].items) == 1
