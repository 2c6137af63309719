"""/qa and /stats qa: the weekly QA review, from the draw to the agent's acknowledgement.

On SQLite and PostgreSQL, against the real sample services: ani is an agent, lina a lead."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from supportbot import Outcome, User
from supportbot.core.settings import kpi_settings
from supportbot.testing import BotTester

from .conftest import ANI, LINA


def this_week(bot: BotTester) -> str:
    zone = kpi_settings(bot.bot.settings).business_hours.time_zone
    year, week, _ = datetime.now(UTC).astimezone(ZoneInfo(zone)).isocalendar()
    return f"{year}-W{week:02d}"


async def handled(
    bot: BotTester, merchant: str, *, user: User = ANI, csat: int | None = None
) -> str:
    logged = await bot.run(f"/log {merchant} #settlement/delayed", user=user)
    ref = (logged.text or "").split()[1]
    await bot.run("/done #resolution/solved explained the cut-off", user=user)
    if csat is not None:
        await bot.run(f"/csat {ref} {csat}", user=user)
    return ref


def review_of(reply_text: str, interaction: str) -> str:
    found = re.search(rf"(Q-\d+) · {interaction}", reply_text)
    assert found is not None, reply_text
    return found.group(1)


async def test_a_drawn_week_is_reviewed_scored_and_acknowledged(record_bot: BotTester) -> None:
    low = await handled(record_bot, "M-10001", csat=1)
    await handled(record_bot, "M-10004")
    week = this_week(record_bot)
    drawn = await record_bot.run(f"/qa draw {week.lower()}", user=LINA)
    text = drawn.text or ""
    assert drawn.outcome is Outcome.OK and "Drawn again with that seed: the same" in text
    items = [item for s in drawn.sections for item in s.items]
    assert any(low in item and "low CSAT" in item for item in items)
    ref = review_of("\n".join(items), low)
    queue = await record_bot.run("/qa queue", user=LINA)
    assert ref in "\n".join(queue.sections[0].items)
    card = await record_bot.run(f"/qa review {ref}", user=LINA)
    assert "CSAT 1" in (card.text or "") and "accuracy" in str(card.sections)
    scored = await record_bot.run(f"/qa review {ref} 3 4 n/a 2 kind, but no note", user=LINA)
    assert scored.outcome is Outcome.OK and "tone n/a" in (scored.text or "")
    again = await record_bot.run(f"/qa review {ref} 1 1 1 1 changed my mind", user=LINA)
    assert again.outcome is Outcome.REJECTED and "already reviewed" in (again.text or "")
    mine = await record_bot.run("/qa", user=ANI)  # an agent's /qa: their reviews
    assert f"{ref} · {low}" in mine.sections[0].items[0] and "/qa ack" in mine.sections[0].items[0]
    not_hers = await record_bot.run(f"/qa ack {ref}", user=LINA)
    assert not_hers.outcome is Outcome.REJECTED and "another agent's" in (not_hers.text or "")
    acked = await record_bot.run(f"/qa ack {ref}", user=ANI)
    assert acked.outcome is Outcome.OK
    twice = await record_bot.run(f"/qa ack {ref}", user=ANI)
    assert twice.outcome is Outcome.REJECTED and "already acknowledged" in (twice.text or "")
    stats = await record_bot.run("/stats qa", user=LINA)
    assert stats.title == f"QA review, {week}" and "1 of " in (stats.text or "")


async def test_the_same_week_drawn_twice_is_the_stored_sample(record_bot: BotTester) -> None:
    await handled(record_bot, "M-10001")
    await handled(record_bot, "M-10004")
    week = this_week(record_bot)
    first = await record_bot.run(f"/qa draw {week}", user=LINA)
    second = await record_bot.run(f"/qa draw {week}", user=LINA)
    seed = re.search(r"seed (\d+)", first.text or "")
    assert seed is not None and f"seed {seed.group(1)}" in (second.text or "")
    assert first.sections[0].items == second.sections[0].items


async def test_nobody_reviews_their_own_interaction(record_bot: BotTester) -> None:
    own = await handled(record_bot, "M-10001", user=LINA)
    await record_bot.run(f"/qa draw {this_week(record_bot)}", user=LINA)
    store = record_bot.bot.store
    assert store is not None
    [review] = [r for r in await store.kpi.reviews() if r.interaction_ref == own]
    queue = await record_bot.run("/qa queue", user=LINA)
    assert own not in str(queue.sections) and review.reviewer_id != LINA.id
    refused = await record_bot.run(f"/qa review {review.ref}", user=LINA)
    assert refused.outcome is Outcome.REJECTED and "you handled" in (refused.text or "")


async def test_agents_may_not_draw_or_review(record_bot: BotTester) -> None:
    for typed in ("/qa draw", "/qa queue", "/qa review Q-1"):
        reply = await record_bot.run(typed, user=ANI)
        assert reply.outcome is Outcome.DENIED and "reviewer_roles" in (reply.text or "")


@pytest.mark.parametrize(
    ("scorecard", "says"),
    [
        ("3 4 5 2 nice", "'5' is not a score for tone"),
        ("3 4", "missing: tone, resolution"),
        ("3 4 n/a 2", "Add a comment"),
        ("speed=3 4 n/a 2 x", "'speed' is not a criterion"),
        ("3 4 n/a 2 " + "x" * 2500, "2,500 characters"),
    ],
)
async def test_a_wrong_scorecard_says_what_is_wrong_and_stores_nothing(
    record_bot: BotTester, scorecard: str, says: str
) -> None:
    low = await handled(record_bot, "M-10001", csat=1)
    drawn = await record_bot.run(f"/qa draw {this_week(record_bot)}", user=LINA)
    ref = review_of("\n".join(drawn.sections[0].items), low)
    reply = await record_bot.run(f"/qa review {ref} {scorecard}", user=LINA)
    assert reply.outcome is Outcome.REJECTED and says in (reply.text or "")
    store = record_bot.bot.store
    assert store is not None
    assert all(r.scores is None for r in await store.kpi.reviews())


@pytest.mark.parametrize(
    "typed", ["banana", "Q-", "Q-99999", "Ｑ-１", "'; drop table qa_reviews;--", "Q-" + "9" * 40]
)
async def test_a_bad_review_id_gets_a_clear_answer(record_bot: BotTester, typed: str) -> None:
    reply = await record_bot.run(f"/qa review {typed!r}", user=LINA)
    assert reply.outcome is Outcome.REJECTED and reply.text and "Traceback" not in reply.text


@pytest.mark.parametrize("week", ["2026-W54", "last", "W48", "1999-W99"])
async def test_a_bad_week_names_what_was_typed(record_bot: BotTester, week: str) -> None:
    reply = await record_bot.run(f"/qa draw {week}", user=LINA)
    assert reply.outcome is Outcome.REJECTED and "is not a week" in (reply.text or "")


async def test_stats_qa_before_any_draw_says_when_it_is_drawn(record_bot: BotTester) -> None:
    reply = await record_bot.run("/stats qa", user=LINA)
    assert "No QA sample has been drawn yet" in (reply.text or "")
