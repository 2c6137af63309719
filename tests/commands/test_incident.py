"""/incident and /incidents: known issues, banners, links, and notices sent exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from supportbot import Outcome, User
from supportbot.storage import ActionRun, NoticeRow
from supportbot.testing import BotTester

COMMANDS = Path(__file__).resolve().parents[2] / "commands"
LINA = User(id="terminal:lina", name="lina")  # a lead
DEWI = User(id="terminal:dewi", name="dewi")  # another lead
ANI = User(id="terminal:ani", name="ani")  # weekend staff
AGENT = User(id="terminal:agent", name="agent")
FIFTY = ",".join(f"M-{10001 + n}" for n in range(50))
PAX = '/incident open "Card payments fail on PAX A920" --match device_model="PAX A920" ' + (
    '--workaround "Take QRIS payments" --snippet outage::card-terminals'
)


@pytest.fixture
async def bot() -> AsyncIterator[BotTester]:
    async with BotTester.demo(commands=[COMMANDS], user=AGENT) as tester:
        fast = tester.bot.settings.with_table("knowledge", {"notify_rate_per_s": 1000})
        tester.bot = tester.bot.with_settings(fast)
        yield tester


async def test_the_banner_shows_only_on_matching_cards(bot: BotTester) -> None:
    opened = await bot.run(PAX, user=LINA)
    assert opened.outcome is Outcome.OK and "Opened KI-1" in (opened.text or "")
    card = await bot.run("/merchant M-10001")  # has a PAX A920
    assert card.sections[0].title == "Known issue"
    assert card.sections[0].items == [
        "⚠️ KI-1 Card payments fail on PAX A920 (investigating). Workaround: Take QRIS payments"
    ]
    other = await bot.run("/merchant M-10002")  # an Ingenico and a Verifone
    assert all(s.title != "Known issue" for s in other.sections)
    assert other.outcome is Outcome.OK
    await bot.run("/incident status KI-1 resolved", user=LINA)
    gone = await bot.run("/merchant M-10001")
    assert all(s.title != "Known issue" for s in gone.sections)


async def test_the_transaction_card_shows_an_issue_about_its_method_or_merchant(
    bot: BotTester,
) -> None:
    await bot.run('/incident open "QRIS down" --match payment_method=QRIS', user=LINA)
    card = await bot.run("/transaction TX-1042")  # paid by QRIS
    assert card.sections[0].title == "Known issue" and "KI-1 QRIS down" in card.sections[0].items[0]
    await bot.run("/incident link KI-1 M-10002")
    linked = await bot.run("/merchant M-10002")
    assert linked.sections[0].title == "Known issue"


async def test_the_status_flow_is_recorded_with_who_and_when(bot: BotTester) -> None:
    await bot.run(PAX, user=LINA)
    assert (
        "now identified"
        in (await bot.run("/incident status KI-1 identified firmware 2.1", user=DEWI)).text
    )  # type: ignore[operator]
    again = await bot.run("/incident status KI-1 identified", user=LINA)
    assert again.outcome is Outcome.REJECTED and "already identified" in (again.text or "")
    resolved = await bot.run("/incident status KI-1 resolved", user=LINA)
    assert "Nothing was sent to merchants" in (resolved.text or "")
    assert [c.command for c in resolved.choices] == [
        "/incident notify KI-1 --snippet outage::resolved"
    ]
    shown = await bot.run("/incident KI-1")
    history = shown.sections[1].items
    assert [h.split(" ", 3)[3] for h in history] == [
        "investigating by lina",
        "identified by dewi: firmware 2.1",
        "resolved by lina",
    ]
    assert (await bot.run("/incidents")).text == "No known issue is active."


@pytest.mark.parametrize(
    "text",
    [
        '/incident open "x" --merchants M-10001',
        "/incident status KI-1 resolved",
        "/incident notify KI-1",
    ],
)
async def test_only_leads_open_move_and_notify(bot: BotTester, text: str) -> None:
    await bot.run(PAX, user=LINA)
    reply = await bot.run(text, user=ANI)
    assert reply.outcome is Outcome.DENIED and "lead role" in (reply.text or "")
    assert bot.sample.notifications() == []


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('/incident open "x"', "Say who is affected"),
        ('/incident open "" --merchants M-10001', "<title> is empty"),
        ('/incident open "x" --match colour=red', "'colour=red' is not a match rule"),
        ('/incident open "x" --match device_model=', "is not a match rule"),
        ('/incident open "x" --merchants M-1,DROP', "is not a merchant id"),
        ('/incident open "x" --merchants M-10001 --snippet nope::x', "No snippet 'nope::x'"),
        ('/incident open "x" --tag "<b>"', "is not a tag"),
        ("/incident status KI-99 resolved", "No known issue KI-99"),
        ("/incident status KI-1 fixed", "'fixed' is not a status"),
        ("/incident status ';drop' resolved", "is not a known issue"),
        ("/incident link KI-1 <script>", "is not a merchant id"),
        ("/incident notify KI-1 --snippet ../../etc", "is not a snippet key"),
        ("/incident KI-0", "is not a known issue"),
    ],
)
async def test_hostile_or_wrong_input_says_what_to_do(
    bot: BotTester, text: str, words: str
) -> None:
    await bot.run('/incident open "Seed" --merchants M-10001', user=LINA)
    reply = await bot.run(text, user=LINA)
    assert reply.outcome in (Outcome.REJECTED, Outcome.NOT_FOUND), reply.text
    assert words in (reply.text or ""), reply.text


async def test_a_link_is_made_once(bot: BotTester) -> None:
    await bot.run(PAX, user=LINA)
    assert (await bot.run("/incident link KI-1 m10009")).text == (
        "Linked merchant M-10009 to KI-1 (Card payments fail on PAX A920)."
    )
    assert "Already linked" in ((await bot.run("/incident link KI-1 M-10009")).text or "")


async def test_the_dry_run_shows_the_count_and_three_samples_and_sends_nothing(
    bot: BotTester,
) -> None:
    await bot.run(PAX, user=LINA)
    asked = await bot.run("/incident notify KI-1", user=LINA)
    assert asked.outcome is Outcome.PENDING and asked.confirmation is not None
    text = asked.text or ""
    assert text.startswith("Notify 25 merchants about KI-1 with outage::card-terminals v1?")
    assert text.count("\n• M-") == 3 and "Take QRIS payments" in text
    assert "lead role must approve" not in text  # 25 is not above notify_approval_over
    assert bot.sample.notifications() == []
    done = await bot.run("/incident notify KI-1", user=LINA, confirm=True)
    assert done.text == (
        "KI-1: sent 25, failed 0, skipped 0 (no contact on file), already notified 0."
    )
    assert len(bot.sample.notifications()) == 25


async def _notify_fifty(bot: BotTester) -> str:
    await bot.run(
        f'/incident open "Settlement delayed" --merchants {FIFTY} --snippet outage::card-terminals',
        user=LINA,
    )
    asked = await bot.run("/incident notify KI-1", user=LINA)
    assert asked.confirmation is not None
    assert "Notify 50 merchants" in (asked.text or "")
    assert "a member of the lead role must approve it" in (asked.text or "")  # 50 > 25
    return asked.confirmation.token


async def test_fifty_confirmed_twice_at_once_and_approved_twice_reach_the_service_50_times(
    bot: BotTester,
) -> None:
    token = await _notify_fifty(bot)
    confirms = await asyncio.gather(
        bot.bot.actions.confirm(token, LINA), bot.bot.actions.confirm(token, LINA)
    )
    assert sorted(r.outcome.value for r in confirms) == ["pending", "pending"]
    assert bot.sample.notifications() == []  # waits for another lead
    approvals = await asyncio.gather(
        bot.bot.actions.approve(token, DEWI), bot.bot.actions.approve(token, DEWI)
    )
    texts = sorted(r.text or "" for r in approvals)
    assert sum("sent 50" in t for t in texts) == 1, texts
    sent = bot.sample.notifications()
    assert len(sent) == 50 and len({n["merchant_id"] for n in sent}) == 50


async def test_a_run_killed_mid_way_is_finished_by_the_retry_without_doubling(
    bot: BotTester,
) -> None:
    # Slow enough to stop mid-way (35 more notices take 0.35 s after the 15th), not slower.
    slow = bot.bot.settings.with_table("knowledge", {"notify_rate_per_s": 100})
    bot.bot = bot.bot.with_settings(slow)
    token = await _notify_fifty(bot)
    await bot.bot.actions.confirm(token, LINA)
    run = asyncio.create_task(bot.bot.actions.approve(token, DEWI))
    while len(bot.sample.notifications()) < 15:
        await asyncio.sleep(0.01)
    run.cancel()  # the process dies: no outcome, a notice possibly claimed and not finished
    with pytest.raises(asyncio.CancelledError):
        await run
    partial = len(bot.sample.notifications())
    assert 15 <= partial < 50
    store = bot.bot.store
    assert store is not None
    # Time passes: the dead run's lease and its unfinished notice's lease run out.
    past = datetime.now(UTC) - timedelta(minutes=5)
    async with store.sessions.begin() as session:
        await session.execute(update(ActionRun).values(lease_until=past))
        await session.execute(
            update(NoticeRow).where(NoticeRow.state == "sending").values(claimed_at=past)
        )
    again = await bot.run("/incident notify KI-1", user=LINA)
    assert "outcome is unknown" in (again.text or "")
    assert again.confirmation is not None
    await bot.bot.actions.confirm(again.confirmation.token, LINA)
    done = await bot.bot.actions.approve(again.confirmation.token, DEWI)
    assert done.outcome is Outcome.OK, done.text
    sent = bot.sample.notifications()
    assert len(sent) == 50, len(sent)
    assert Counter(n["merchant_id"] for n in sent).most_common(1)[0][1] == 1
    assert await store.incidents.notice_counts(1) == {"sent": 50}


async def test_a_new_snippet_version_is_a_new_notice(bot: BotTester) -> None:
    await bot.run('/incident open "x" --merchants M-10001,M-10002', user=LINA)
    await bot.run("/incident notify KI-1 --snippet outage::resolved", user=LINA, confirm=True)
    await bot.run("/incident notify KI-1 --snippet outage::resolved", user=LINA, confirm=True)
    assert len(bot.sample.notifications()) == 2
    await bot.run("/snippet edit outage::resolved Fixed, {{ merchant_name }}.", user=LINA)
    await bot.run("/incident notify KI-1 --snippet outage::resolved", user=LINA, confirm=True)
    sent = bot.sample.notifications()
    assert len(sent) == 4 and sent[-1]["text"].startswith("Fixed, ")
