"""The support record's commands against the sample services and a real database (SQLite and
PostgreSQL): the flows issue 11 checks, hostile input, and who may do what."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from supportbot import Outcome, User, load_settings
from supportbot.storage import upgrade
from supportbot.testing import BotTester

COMMANDS = Path(__file__).resolve().parents[2] / "commands"
ANI = User(id="terminal:ani", name="ani")
LINA = User(id="terminal:lina", name="lina")  # a lead in the bundled configuration
BUDI = User(id="terminal:budi", name="budi")


@pytest.fixture
async def bot(database_url: str, tmp_path: Path) -> AsyncIterator[BotTester]:
    upgrade(database_url)
    settings = load_settings(
        None,
        data_dir=str(tmp_path),
        database_url=database_url,
        roles={"lead": {"members": ["lina"]}},
    )
    async with BotTester.demo(commands=[COMMANDS], settings=settings, user=ANI) as tester:
        yield tester


def _record_items(reply) -> list[str]:
    return [item for s in reply.sections if s.source == "record" for item in s.items]


async def test_a_note_shows_on_the_card(bot: BotTester) -> None:
    added = await bot.run("/note M-10001 customer asked about QRIS settlement")
    assert added.outcome is Outcome.OK
    card = await bot.run("/merchant M-10001")
    assert any("customer asked about QRIS settlement" in item for item in _record_items(card))


async def test_a_saved_number_finds_the_merchant_and_says_so(bot: BotTester) -> None:
    question = await bot.run("/alias 0813-5555-0001 M-10001")
    assert question.confirmation is not None and "Toko Sinar Jaya" in question.confirmation.prompt
    saved = await bot.run("/alias 0813-5555-0001 M-10001", confirm=True)
    assert saved.outcome is Outcome.OK
    card = await bot.run("/merchant 0813-5555-0001")
    assert card.title is not None and card.title.startswith("Toko Sinar Jaya")
    assert "via a number saved by @ani on" in (card.text or "")
    taken = await bot.run("/alias +62 813 5555 0001 M-10002", confirm=True, user=BUDI)
    assert taken.outcome is Outcome.REJECTED
    assert "already saved for M-10001" in (taken.text or "") and "ani" in (taken.text or "")
    removed = await bot.run("/alias remove 0813-5555-0001", confirm=True)
    assert removed.outcome is Outcome.OK
    assert (await bot.run("/merchant 0813-5555-0001")).outcome is Outcome.NOT_FOUND


async def test_log_lookup_done_leave_one_interaction_with_the_lookup_attached(
    bot: BotTester,
) -> None:
    logged = await bot.run("/log 0812-3456-7890 #settlement/delayed")
    assert logged.outcome is Outcome.OK and (logged.text or "").startswith("Logged I-")
    ref = (logged.text or "").split()[1]
    await bot.run("/merchant 0812-3456-7890")
    closed = await bot.run("/done #resolution/solved explained the cut-off --mood calm")
    assert closed.outcome is Outcome.OK and ref in (closed.text or "")
    store = bot.bot.store
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
    timeline = await bot.run("/timeline M-10001")
    lines = [item for s in timeline.sections for item in s.items]
    assert len(lines) == 6 and "closed" in lines[0] and "opened" in lines[-1]


async def test_a_lookup_without_an_interaction_is_marked_so(bot: BotTester) -> None:
    await bot.run("/merchant M-10001")
    page = await bot.bot.store.record.timeline("M-10001")  # type: ignore[union-attr]
    (line,) = page.events
    assert line.interaction_ref is None and "(no interaction)" in line.summary


async def test_an_unknown_tag_is_refused_with_a_suggestion(bot: BotTester) -> None:
    reply = await bot.run("/tag M-10001 +nonsense")
    assert reply.outcome is Outcome.REJECTED
    assert "Did you mean" in (reply.text or "")
    close = await bot.run("/tag M-10001 +settlement/delayd")
    assert "settlement/delayed" in (close.text or "")


async def test_tags_come_off_and_the_limit_holds(bot: BotTester) -> None:
    assert (await bot.run("/tag M-10001 +device/offline +payment/qris")).outcome is Outcome.OK
    off = await bot.run("/tag M-10001 -device/offline")
    assert "1 removed" in (off.text or "")
    many = " ".join(
        f"+{t}"
        for t in [
            "settlement/delayed",
            "settlement/missing",
            "settlement/amount",
            "device/broken",
            "account/pin",
        ]
    )
    too_many = await bot.run(f"/tag M-10001 {many}")
    assert too_many.outcome is Outcome.REJECTED and "at most 5" in (too_many.text or "")


async def test_a_note_is_retracted_by_its_author_or_a_lead_only(bot: BotTester) -> None:
    added = await bot.run("/note M-10001 wrong merchant, sorry")
    ref = (added.text or "").split()[1]
    refused = await bot.run(f"/note retract {ref}", user=BUDI)
    assert refused.outcome is Outcome.REJECTED and "ani" in (refused.text or "")
    assert (await bot.run(f"/note retract {ref}", user=LINA)).outcome is Outcome.OK
    again = await bot.run(f"/note retract {ref}")
    assert again.outcome is Outcome.REJECTED and "already" in (again.text or "")
    card = await bot.run("/merchant M-10001")
    assert not any(ref in item for item in _record_items(card))


async def test_only_leads_add_tags_to_the_taxonomy(bot: BotTester) -> None:
    refused = await bot.run("/tags add payment/ewallet E-wallets")
    assert refused.outcome is Outcome.REJECTED and "lead" in (refused.text or "")
    assert (await bot.run("/tags add payment/ewallet E-wallets", user=LINA)).outcome is Outcome.OK
    assert (await bot.run("/tag M-10001 +payment/ewallet")).outcome is Outcome.OK
    listed = await bot.run("/tags payment")
    assert any("payment/ewallet" in item for s in listed.sections for item in s.items)


async def test_done_without_an_open_interaction_says_how_to_open_one(bot: BotTester) -> None:
    reply = await bot.run("/done")
    assert reply.outcome is Outcome.REJECTED and "/log" in (reply.text or "")


async def test_a_second_log_is_refused_until_the_first_is_closed(bot: BotTester) -> None:
    await bot.run("/log M-10001")
    second = await bot.run("/log M-10002")
    assert second.outcome is Outcome.REJECTED and "/done" in (second.text or "")


async def test_the_timeline_pages_and_filters(bot: BotTester) -> None:
    for n in range(25):
        await bot.run(f"/note M-10001 note {n}")
    await bot.run("/tag M-10001 +device/offline")
    first = await bot.run("/timeline M-10001")
    assert len(first.sections[0].items) == 20 and first.choices
    older = await bot.run(first.choices[0].command)
    assert len(older.sections[0].items) == 6
    tagged = await bot.run("/timeline M-10001 --tag device/offline --since 7d")
    assert len(tagged.sections[0].items) == 1


HOSTILE = [
    "",
    " ",
    "x" * 5000,
    "'; DROP TABLE record_notes; --",
    "ünïcødé 🙂 عربى",
    "\x00\x01\x1b[31m",
    "\u202etxet",
    "{question}",
    "%s %d",
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize(
    "template",
    [
        "/note M-10001 {}",
        "/note {} text",
        "/note retract {}",
        "/tag M-10001 +{}",
        "/tag {} +device/offline",
        "/tags {}",
        "/alias {} M-10001",
        "/alias 0813-5555-0001 {}",
        "/log {}",
        "/log M-10001 #{}",
        "/done {}",
        "/timeline M-10001 --since {}",
        "/timeline M-10001 --older {}",
        "/timeline {}",
    ],
)
async def test_hostile_input_is_answered_never_crashes(
    bot: BotTester, template: str, text: str
) -> None:
    reply = await bot.run(template.format(text), confirm=True)
    assert reply.outcome is not Outcome.ERROR, (template, text, reply.text)
    assert "Traceback" not in (reply.text or "")
    # Whatever it was, the tables are all still there and the bot still answers.
    assert (await bot.run("/timeline M-10001")).outcome is Outcome.OK


async def test_a_note_too_long_says_the_limit(bot: BotTester) -> None:
    reply = await bot.run("/note M-10001 " + "x" * 2500)
    assert reply.outcome is Outcome.REJECTED and "2,000" in (reply.text or "")


async def test_a_note_keeps_unicode_and_masks_phone_numbers_on_the_timeline(
    bot: BotTester,
) -> None:
    await bot.run("/note M-10001 Pak Budi 🙂 called from 0812-3456-7890")
    page = await bot.bot.store.record.timeline("M-10001")  # type: ignore[union-attr]
    assert "🙂" in page.events[0].summary and "3456" not in page.events[0].summary
