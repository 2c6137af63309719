"""/request and /requests: asks joined to similar open requests, ranked by distinct merchants,
and the merchants who asked told exactly once when a request ships — on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from supportbot import Outcome, User, load_settings
from supportbot.storage import ActionRun, FeatureAskRow, RequestNoticeRow, upgrade
from supportbot.testing import BotTester

COMMANDS = Path(__file__).resolve().parents[2] / "commands"
AGENT = User(id="terminal:ani", name="ani")
LINA = User(id="terminal:lina", name="lina")  # a lead
DEWI = User(id="terminal:dewi", name="dewi")  # another lead
EXPORT = "/request {m} export transactions to Excel #reports/export"


@pytest.fixture
async def bot(database_url: str, tmp_path: Path) -> AsyncIterator[BotTester]:
    """The demo bot on a database of the test's own, as an agent; lina and dewi are leads."""
    upgrade(database_url)
    settings = load_settings(
        None,
        data_dir=str(tmp_path),
        database_url=database_url,
        roles={"lead": {"members": ["login:lina", "login:dewi"]}},
    ).with_table("knowledge", {"notify_rate_per_s": 1000})
    async with BotTester.demo(commands=[COMMANDS], settings=settings, user=AGENT) as tester:
        yield tester


def _ids(first: int, count: int) -> list[str]:
    return [f"M-{first + n}" for n in range(count)]


async def _ask_many(bot: BotTester, merchants: list[str], text: str = EXPORT) -> None:
    for merchant in merchants:
        reply = await bot.run(text.format(m=merchant))
        assert reply.outcome is Outcome.OK, reply.text


# --- recording and matching ------------------------------------------------------------------


async def test_a_similar_ask_with_the_same_tag_joins_the_open_request(bot: BotTester) -> None:
    first = await bot.run(EXPORT.format(m="M-10001"))
    assert first.text == "Recorded R-1 #reports/export for M-10001: export transactions to Excel"
    second = await bot.run("/request M-10002 exports of transactions to excel #reports/export")
    assert (second.text or "").startswith(
        "This looks like R-1 “export transactions to Excel” #reports/export (2 merchants): "
        "M-10002 added there."
    ), second.text
    assert "--new" in (second.text or "")


async def test_the_same_words_under_another_tag_or_unlike_words_open_a_new_request(
    bot: BotTester,
) -> None:
    await bot.run(EXPORT.format(m="M-10001"))
    other_tag = await bot.run("/request M-10002 export transactions to Excel #billing")
    assert (other_tag.text or "").startswith("Recorded R-2 #billing"), other_tag.text
    unlike = await bot.run("/request M-10003 a dark mode in the app #reports/export")
    assert (unlike.text or "").startswith("Recorded R-3"), unlike.text
    untagged = await bot.run("/request M-10004 export transactions to Excel")
    assert (untagged.text or "").startswith("Recorded R-4 for M-10004"), untagged.text
    one_word_of_three = await bot.run("/request M-10005 export invoices to Excel #reports/export")
    assert (one_word_of_three.text or "").startswith("Recorded R-5"), one_word_of_three.text


async def test_new_and_to_skip_the_matching(bot: BotTester) -> None:
    await bot.run(EXPORT.format(m="M-10001"))
    forced = await bot.run(EXPORT.format(m="M-10002") + " --new")
    assert (forced.text or "").startswith("Recorded R-2"), forced.text
    chosen = await bot.run("/request M-10003 something else entirely #reports/export --to R-1")
    assert (chosen.text or "").startswith("Added to R-1"), chosen.text
    both = await bot.run(EXPORT.format(m="M-10004") + " --new --to R-1")
    assert both.outcome is Outcome.REJECTED and "not both" in (both.text or "")


async def test_a_merchant_counts_once_however_often_it_asks(bot: BotTester) -> None:
    await bot.run(EXPORT.format(m="M-10001"))
    again = await bot.run("/request sinar@example.id export transaction to excel #reports/export")
    assert again.text == (
        "M-10001 had asked for R-1 already; this ask is kept beside the first (1 merchant)."
    )
    shown = await bot.run("/request show R-1")
    assert shown.sections[0].fields[1].value == "1"  # merchants
    assert len(shown.sections[1].items) == 2  # both asks kept, in their words


async def test_requests_ranks_the_open_ones_by_distinct_merchants(bot: BotTester) -> None:
    await _ask_many(bot, ["M-10001"], "/request {m} pay invoices by card #billing")
    await _ask_many(bot, _ids(10002, 3))
    await _ask_many(bot, _ids(10005, 2), "/request {m} a dark mode in the app")
    await bot.run("/request M-10001 pay invoices by card #billing")  # the same merchant again
    listed = await bot.run("/requests")
    assert listed.sections[0].items == [
        "R-2 (3) export transactions to Excel #reports/export",
        "R-3 (2) a dark mode in the app",
        "R-1 (1) pay invoices by card #billing",
    ]
    tagged = await bot.run("/requests #billing")
    assert tagged.sections[0].items == ["R-1 (1) pay invoices by card #billing"]
    assert (await bot.run("/requests #nothing/here")).text == (
        "No open feature request tagged #nothing/here. Record one: /request M-10001 <what> #tag"
    )


async def test_an_ask_and_its_notice_go_on_the_merchants_timeline(bot: BotTester) -> None:
    await bot.run(EXPORT.format(m="M-10001"))
    await bot.run("/request shipped R-1 in app 3.2", user=LINA)
    await bot.run("/request notify R-1", user=LINA, confirm=True)
    lines = (await bot.run("/timeline M-10001")).sections[0].items
    assert any(
        "💡 ani: Asked for R-1 #reports/export (new request): export transactions to Excel" in line
        for line in lines
    ), lines
    assert any("📣 lina: Notice about R-1" in line and "sent by email" in line for line in lines)


async def test_an_incident_notice_goes_on_the_timeline_too(bot: BotTester) -> None:
    await bot.run(
        '/incident open "Settlement late" --merchants M-10001 --snippet outage::resolved',
        user=LINA,
    )
    await bot.run("/incident notify KI-1", user=LINA, confirm=True)
    lines = (await bot.run("/timeline M-10001")).sections[0].items
    assert any("Notice about KI-1 (Settlement late) sent by email" in line for line in lines)


async def test_a_retried_run_records_the_ask_once(bot: BotTester) -> None:
    store = bot.bot.store
    assert store is not None
    desk_run = "run-twice"
    first = await store.requests.open(
        title="x y z",
        tag=None,
        ask=_ask("M-10001", desk_run),
    )
    again = await store.requests.open(title="x y z", tag=None, ask=_ask("M-10001", desk_run))
    assert first.opened and again.repeated and again.request.id == first.request.id
    async with store.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(FeatureAskRow)) == 1


def _ask(merchant: str, run_id: str):  # type: ignore[no-untyped-def]
    from supportbot.storage import FeatureAsk

    return FeatureAsk(
        request_id=0,
        merchant_id=merchant,
        text="x y z",
        by="ani",
        at=datetime.now(UTC),
        run_id=run_id,
    )


# --- hostile, wrong, empty, huge, unicode ---------------------------------------------------


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("/request", "<phone|email|merchant id> is missing"),
        ("/request M-10001", "<text...> is missing"),
        ("/request M-10001 #reports", "Say what the merchant asked for"),
        ("/request M-10001 the a to #reports", "Say what the merchant asked for"),
        ("/request M-10001 export #a #b", "Give one tag"),
        ("/request M-10001 export #<script>", "is not a tag"),
        ("/request M-10001 export #" + "x" * 70, "is not a tag"),
        ("/request M-10001 " + "export " * 100, "keep it under 500"),
        ("/request M-99999 export to excel", "No merchant M-99999"),
        ("/request 0812 export", "not a valid phone number"),
        ("/request TX-1042 export", "/transaction"),
        ("/request M-10001 export --to R-99", "No feature request R-99"),
        ("/request M-10001 export --to ';drop table'", "is not a feature request"),
        ("/request show R-0", "is not a feature request"),
        ("/request show R-12345678901", "is not a feature request"),
        ("/request show {{ ''.__class__ }}", "Too many arguments"),
        ("/request show {{''.__class__}}", "is not a feature request"),
        ("/requests #<b>", "is not a tag"),
    ],
)
async def test_wrong_or_hostile_input_says_what_to_do(
    module_bot: BotTester, text: str, words: str
) -> None:
    reply = await module_bot.run(text)
    assert reply.outcome in (Outcome.REJECTED, Outcome.NOT_FOUND), reply.text
    assert words in (reply.text or ""), reply.text
    store = module_bot.bot.store
    assert store is not None
    assert await store.requests.ranked() == []  # nothing recorded, by this input or earlier ones


async def test_unicode_and_markup_are_kept_as_text_and_phones_masked(bot: BotTester) -> None:
    reply = await bot.run("/request M-10001 ｅｘｐｏｒｔ laporan ke Excel 📊 #laporan")
    assert reply.outcome is Outcome.OK, reply.text
    same = await bot.run("/request M-10002 export laporan excel #laporan")
    assert (same.text or "").startswith("This looks like R-1"), same.text  # NFKC: ｅｘｐｏｒｔ
    marked = await bot.run("/request M-10003 <b>bold</b> call me 0812-3456-7890 #x")
    assert "0812-3456-7890" not in (marked.text or "") and "<b>bold</b>" in (marked.text or "")
    listed = await bot.run("/requests")
    assert "0812-3456-7890" not in "".join(listed.sections[0].items)
    shown = await bot.run("/request show R-2")
    assert "0812-3456-7890" not in " ".join([shown.title or "", *shown.sections[1].items])


async def test_a_template_in_an_ask_is_only_text_in_the_notice(bot: BotTester) -> None:
    await bot.run("/request M-10001 {{ ''.__class__.__mro__ }} {% for x in y %} #x")
    await bot.run("/request shipped R-1", user=LINA)
    done = await bot.run("/request notify R-1", user=LINA, confirm=True)
    assert done.outcome is Outcome.OK, done.text
    (sent,) = bot.sample.notifications()
    assert "{{ ''.__class__.__mro__ }}" in sent["text"] and "<class" not in sent["text"]


# --- roles -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["/request shipped R-1", "/request notify R-1"])
async def test_only_leads_ship_and_notify(bot: BotTester, text: str) -> None:
    await bot.run(EXPORT.format(m="M-10001"))
    reply = await bot.run(text, user=AGENT)
    assert reply.outcome is Outcome.DENIED and "lead role" in (reply.text or "")
    shown = await bot.run("/request show R-1")
    assert shown.text == "Status: open"
    assert bot.sample.notifications() == []


@pytest.mark.parametrize("text", [EXPORT.format(m="M-10001"), "/requests", "/request show R-1"])
async def test_agents_record_list_and_read(bot: BotTester, text: str) -> None:
    await bot.run(EXPORT.format(m="M-10002"))
    assert (await bot.run(text, user=AGENT)).outcome is Outcome.OK


# --- shipping and the notice -----------------------------------------------------------------


async def test_shipping_sends_nothing_and_offers_the_notice_once(bot: BotTester) -> None:
    await _ask_many(bot, _ids(10001, 3))
    shipped = await bot.run("/request shipped R-1 in app version 3.2", user=LINA)
    assert shipped.text == (
        "R-1 is shipped (3 merchants asked). Nothing was sent to merchants yet."
    )
    assert [c.command for c in shipped.choices] == ["/request notify R-1"]
    assert bot.sample.notifications() == []
    again = await bot.run("/request shipped R-1", user=DEWI)
    assert again.outcome is Outcome.REFUSED and "shipped already" in (again.text or "")
    late = await bot.run(EXPORT.format(m="M-10009"))
    assert (late.text or "").startswith("Recorded R-2"), late.text  # a shipped one takes no asks
    to_shipped = await bot.run(EXPORT.format(m="M-10009") + " --to R-1")
    assert to_shipped.outcome is Outcome.REFUSED and "shipped already" in (to_shipped.text or "")
    assert (await bot.run("/requests")).sections[0].items[0].startswith("R-2 (1)")


async def test_an_open_request_is_not_notified(bot: BotTester) -> None:
    await bot.run(EXPORT.format(m="M-10001"))
    reply = await bot.run("/request notify R-1", user=LINA)
    assert reply.outcome is Outcome.REFUSED and "has not shipped yet" in (reply.text or "")
    assert reply.confirmation is None and bot.sample.notifications() == []


async def test_the_dry_run_shows_samples_then_sends_each_once(bot: BotTester) -> None:
    await _ask_many(bot, _ids(10001, 4))
    await bot.run("/request shipped R-1 in app version 3.2", user=LINA)
    asked = await bot.run("/request notify R-1", user=LINA)
    assert asked.outcome is Outcome.PENDING and asked.confirmation is not None
    text = asked.text or ""
    assert text.startswith("Notify 4 merchants about R-1 with feature::shipped v1?"), text
    assert text.count("\n• M-") == 3 and "What changed: in app version 3.2." in text
    assert "approve" not in text  # 4 is not above notify_approval_over
    assert bot.sample.notifications() == []
    done = await bot.run("/request notify R-1", user=LINA, confirm=True)
    assert done.text == "R-1: sent 4, failed 0, skipped 0 (no contact on file), already notified 0."
    again = await bot.run("/request notify R-1", user=LINA, confirm=True)
    assert "sent 0" in (again.text or "") and "already notified 4" in (again.text or "")
    assert len(bot.sample.notifications()) == 4


async def test_a_request_and_an_issue_with_the_same_number_are_separate_notices(
    bot: BotTester,
) -> None:
    await bot.run(EXPORT.format(m="M-10001"))
    await bot.run("/request shipped R-1", user=LINA)
    await bot.run('/incident open "x" --merchants M-10001 --snippet feature::shipped', user=LINA)
    await bot.run("/incident notify KI-1", user=LINA, confirm=True)
    done = await bot.run("/request notify R-1", user=LINA, confirm=True)
    assert "sent 1" in (done.text or ""), done.text
    sent = bot.sample.notifications()
    assert len(sent) == 2 and {s["subject"].split(":")[0] for s in sent} == {"KI-1", "R-1"}


async def _shipped_to_fifty(bot: BotTester) -> str:
    store = bot.bot.store
    assert store is not None
    await _ask_many(bot, ["M-10001"])
    for n, merchant in enumerate(_ids(10002, 49)):  # quicker than 49 commands
        await store.requests.add_ask(_ask_on(merchant, f"seed-{n}"))
    await bot.run("/request shipped R-1", user=LINA)
    asked = await bot.run("/request notify R-1", user=LINA)
    assert asked.confirmation is not None, asked.text
    assert "Notify 50 merchants" in (asked.text or "")
    assert "a member of the lead role must approve it" in (asked.text or "")  # 50 > 25
    return asked.confirmation.token


def _ask_on(merchant: str, run_id: str):  # type: ignore[no-untyped-def]
    from supportbot.storage import FeatureAsk

    return FeatureAsk(
        request_id=1,
        merchant_id=merchant,
        text="export",
        by="ani",
        at=datetime.now(UTC),
        run_id=run_id,
    )


async def test_fifty_confirmed_and_approved_twice_at_once_reach_the_service_50_times(
    bot: BotTester,
) -> None:
    token = await _shipped_to_fifty(bot)
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
    token = await _shipped_to_fifty(bot)
    await bot.bot.actions.confirm(token, LINA)
    run = asyncio.create_task(bot.bot.actions.approve(token, DEWI))
    while len(bot.sample.notifications()) < 15:
        await asyncio.sleep(0.01)
    run.cancel()  # the process dies mid-run
    with pytest.raises(asyncio.CancelledError):
        await run
    assert 15 <= len(bot.sample.notifications()) < 50
    store = bot.bot.store
    assert store is not None
    past = datetime.now(UTC) - timedelta(minutes=5)  # the dead run's leases run out
    async with store.sessions.begin() as session:
        await session.execute(update(ActionRun).values(lease_until=past))
        await session.execute(
            update(RequestNoticeRow)
            .where(RequestNoticeRow.state == "sending")
            .values(claimed_at=past)
        )
    again = await bot.run("/request notify R-1", user=LINA)
    assert again.confirmation is not None, again.text
    await bot.bot.actions.confirm(again.confirmation.token, LINA)
    done = await bot.bot.actions.approve(again.confirmation.token, DEWI)
    assert done.outcome is Outcome.OK, done.text
    sent = bot.sample.notifications()
    assert len(sent) == 50, len(sent)
    assert Counter(n["merchant_id"] for n in sent).most_common(1)[0][1] == 1
    assert await store.requests.notice_counts(1) == {"sent": 50}


async def test_a_new_snippet_version_is_a_new_notice(bot: BotTester) -> None:
    await bot.run(EXPORT.format(m="M-10001"))
    await bot.run("/request shipped R-1", user=LINA)
    await bot.run("/request notify R-1", user=LINA, confirm=True)
    await bot.run("/snippet edit feature::shipped It is here, {{ merchant_name }}.", user=LINA)
    await bot.run("/request notify R-1", user=LINA, confirm=True)
    sent = bot.sample.notifications()
    assert len(sent) == 2 and sent[-1]["text"].startswith("It is here, ")
