"""Early warnings and daily shares in the database: one warning per tag and window, even when
replicas race; one share per day; the share's candidates filtered in SQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

from supportbot.storage import DailyShare, Interaction, Note, Store, TagMark, create_store, upgrade

AT = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


async def _report(store: Store, n: int, at: datetime, tag: str | None = "device/offline") -> Any:
    return await store.warnings.report(
        tag=tag, text=f"seen {n}", by=f"agent{n}", request_id=f"r-{n}", at=at, window=HOUR
    )


async def test_a_report_within_the_window_adds_to_the_tags_warning(store: Store) -> None:
    first = await _report(store, 1, AT)
    second = await _report(store, 2, AT + timedelta(minutes=50))
    assert first.opened and not second.opened
    assert second.warning.id == first.warning.id and second.warning.reports == 2
    # the window runs from the last report: 50 min after the second is still the same warning
    third = await _report(store, 3, AT + timedelta(minutes=100))
    assert third.warning.id == first.warning.id and third.warning.reports == 3
    late = await _report(store, 4, AT + timedelta(minutes=161))
    assert late.opened and late.warning.id != first.warning.id and late.warning.reports == 1
    other_tag = await _report(store, 5, AT + timedelta(minutes=162), tag="payment/qris")
    assert other_tag.opened
    untagged = [await _report(store, n, AT + timedelta(minutes=163), tag=None) for n in (6, 7)]
    assert all(u.opened for u in untagged) and untagged[0].warning.id != untagged[1].warning.id
    assert [by for by, _ in await store.warnings.reports_of(first.warning.id)] == [
        "agent3",
        "agent2",
        "agent1",
    ]


async def test_a_replayed_report_counts_once(store: Store) -> None:
    await _report(store, 1, AT)
    await _report(store, 2, AT)
    again = await _report(store, 2, AT)
    assert again.warning.reports == 2 and not again.opened


async def test_the_message_is_remembered(store: Store) -> None:
    opened = await _report(store, 1, AT)
    await store.warnings.set_message(opened.warning.id, "C0WARN", "1700000000.000100")
    after = await store.warnings.get(opened.warning.id)
    assert after is not None and (after.channel, after.message_ts) == (
        "C0WARN",
        "1700000000.000100",
    )


async def test_replicas_reporting_the_same_tag_at_once_make_one_warning(database_url: str) -> None:
    upgrade(database_url)
    stores = [create_store(database_url) for _ in range(3)]
    try:
        results = await asyncio.gather(*(_report(stores[n % 3], n, AT) for n in range(12)))
        assert sum(r.opened for r in results) == 1
        assert len({r.warning.id for r in results}) == 1
        final = await stores[0].warnings.get(results[0].warning.id)
        assert final is not None and final.reports == 12
    finally:
        for store in stores:
            await store.close()


def _share(day: date, ref: str, merchant: str = "M-10001") -> DailyShare:
    return DailyShare(
        day=day, interaction_ref=ref, merchant_id=merchant, text="t", by="x", claimed_at=AT
    )


async def test_a_day_is_claimed_once(store: Store) -> None:
    day = date(2026, 12, 3)
    assert await store.shares.claim(_share(day, "I-AAAAAA"))
    assert not await store.shares.claim(_share(day, "I-BBBBBB", "M-10002"))
    found = await store.shares.of_day(day)
    assert found is not None and found.interaction_ref == "I-AAAAAA" and found.message_ts is None
    await store.shares.set_posted(day, "C0ALL", "1.2")
    posted = await store.shares.of_day(day)
    assert posted is not None and posted.message_ts == "1.2"


async def _closed(store: Store, ref: str, merchant: str | None, *, note: bool = True) -> None:
    await store.record.open_interaction(
        Interaction(
            ref=ref,
            channel="chat",
            agent_id="terminal:ani",
            agent_name="ani",
            opened_at=AT,
            closed_at=AT + timedelta(minutes=12),
            merchant_id=merchant,
            outcome="resolved",
        )
    )
    if note:
        await store.record.add_note(
            Note(
                ref=f"N-{ref[2:]}",
                author_id="terminal:ani",
                at=AT,
                text="helped",
                interaction_ref=ref,
            )
        )


async def _tag(store: Store, key: str, tag: str, *, ref: str | None, merchant: str | None) -> None:
    await store.record.add_tag(
        TagMark(
            key=key, tag=tag, added_at=AT, added_by="x", interaction_ref=ref, merchant_id=merchant
        )
    )


async def test_candidates_have_a_note_no_private_tag_and_no_recent_merchant(store: Store) -> None:
    await _closed(store, "I-GOOD01", "M-10001")
    await _closed(store, "I-NONOTE", "M-10002", note=False)
    await _closed(store, "I-PRIV01", "M-10003")
    await _tag(store, "k1", "privacy/private", ref="I-PRIV01", merchant="M-10003")
    await _closed(store, "I-PRIV02", "M-10004")
    await _tag(store, "k2", "privacy/private", ref=None, merchant="M-10004")  # the merchant
    await _closed(store, "I-UNKNWN", None)
    await _closed(store, "I-REPEAT", "M-10005")
    await store.shares.claim(_share(date(2026, 11, 20), "I-OLD001", "M-10005"))
    await _closed(store, "I-OLDSHR", "M-10006")
    await store.shares.claim(_share(date(2026, 10, 1), "I-OLD002", "M-10006"))
    found = await store.shares.candidates(
        closed_since=AT - HOUR,
        closed_until=AT + HOUR,
        skip_tags=["privacy/private"],
        not_shared_since=date(2026, 11, 3),
    )
    assert [i.ref for i in found] == ["I-GOOD01", "I-OLDSHR"]
    later = await store.shares.candidates(
        closed_since=AT + HOUR,
        closed_until=AT + 2 * HOUR,
        skip_tags=["privacy/private"],
        not_shared_since=date(2026, 11, 3),
    )
    assert later == []
