"""The support record's store on SQLite and PostgreSQL: what is written reads back, a number
belongs to one merchant, and a timeline page is one indexed query."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import inspect, text

from supportbot.storage import (
    Alias,
    AliasConflict,
    Interaction,
    Note,
    Store,
    TagMark,
    TimelineCursor,
    TimelineEvent,
    alembic_config,
    make_sync_engine,
    timeline_statement,
    upgrade,
)

T0 = datetime(2026, 11, 12, 9, 0, tzinfo=UTC)


def event(key: str, at: datetime, merchant: str = "M-10001", **values: object) -> TimelineEvent:
    fields: dict[str, object] = {"kind": "note", "actor_id": "U1", "summary": key}
    fields.update(values)
    return TimelineEvent(event_key=key, merchant_id=merchant, at=at, **fields)  # type: ignore[arg-type]


def test_the_record_migration_goes_down_and_up_again(database_url: str) -> None:
    upgrade(database_url)
    engine = make_sync_engine(database_url)
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection=connection), "0004")
        assert "record_events" not in inspect(engine).get_table_names()
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection=connection), "head")
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert {"record_interactions", "record_events", "record_notes", "record_tags"} <= tables
    assert "record_aliases" in tables


async def test_an_interaction_opens_closes_and_is_the_agents_open_one(store: Store) -> None:
    record = store.record
    opened = Interaction(
        ref="I-AAAAAA",
        channel="call",
        agent_id="U1",
        agent_name="ani",
        opened_at=T0,
        merchant_id="M-10001",
        contact="+6281234567890",
        contact_kind="phone",
    )
    await record.open_interaction(opened, event("open", T0, kind="opened"))
    assert await record.open_interaction_of("U1") == opened
    assert await record.open_interaction_of("U2") is None
    closed_at = T0 + timedelta(minutes=7)
    await record.update_interaction(
        "I-AAAAAA", closed_at=closed_at, outcome="resolved", mood="calm", closed_by="U1"
    )
    got = await record.interaction("I-AAAAAA")
    assert got is not None and got.closed_at == closed_at and got.outcome == "resolved"
    assert await record.open_interaction_of("U1") is None
    assert await record.contacts_since("M-10001", T0 - timedelta(days=30)) == 1
    assert await record.contacts_since("M-10001", T0 + timedelta(seconds=1)) == 0


async def test_a_note_is_retracted_not_deleted(store: Store) -> None:
    record = store.record
    note = Note(
        ref="N-AAAAAA", author_id="U1", at=T0, text="asked about QRIS\x00", merchant_id="M-1"
    )
    await record.add_note(note)
    assert [n.text for n in await record.notes(merchant_id="M-1")] == ["asked about QRIS"]
    await record.retract_note("N-AAAAAA", by="U9", at=T0 + timedelta(hours=1))
    assert await record.notes(merchant_id="M-1") == []
    kept = await record.notes(merchant_id="M-1", include_retracted=True)
    assert kept[0].retracted_by == "U9"


async def test_tags_count_and_come_off(store: Store) -> None:
    record = store.record
    for n, tag in enumerate(["settlement/delayed", "settlement/delayed", "device/offline"]):
        mark = TagMark(
            key=f"t{n}",
            tag=tag,
            added_at=T0,
            added_by="U1",
            merchant_id="M-1",
            interaction_ref=f"I-{n}",
        )
        await record.add_tag(mark)
    assert await record.top_tags("M-1") == [("settlement/delayed", 2), ("device/offline", 1)]
    (on,) = await record.tags_on(interaction_ref="I-0")
    await record.remove_tag(on, by="U1", at=T0)
    assert await record.tags_on(interaction_ref="I-0") == []
    assert await record.tags_of_interactions(["I-0", "I-1", "I-2"]) == {
        "I-1": ["settlement/delayed"],
        "I-2": ["device/offline"],
    }


async def test_a_number_belongs_to_one_merchant(store: Store) -> None:
    record = store.record
    alias = Alias(phone="+6281355550001", merchant_id="M-10001", saved_by="U1", saved_at=T0)
    assert await record.save_alias(alias, event("a1", T0, kind="alias_saved"))
    assert not await record.save_alias(alias)  # again, same merchant: nothing changes
    other = Alias(phone="+6281355550001", merchant_id="M-10002", saved_by="U2", saved_at=T0)
    with pytest.raises(AliasConflict) as refused:
        await record.save_alias(other, event("a2", T0, merchant="M-10002", kind="alias_saved"))
    assert refused.value.owner.merchant_id == "M-10001"
    assert (await record.timeline("M-10002")).events == []  # the refused save wrote nothing
    removed = await record.remove_alias("+6281355550001", event("a3", T0, kind="alias_removed"))
    assert removed is not None and removed.merchant_id == "M-10001"
    assert await record.alias("+6281355550001") is None
    assert await record.remove_alias("+6281355550001") is None


async def test_the_timeline_pages_newest_first_and_filters_by_tag(store: Store) -> None:
    record = store.record
    events = [event(f"e{n}", T0 + timedelta(minutes=n // 2)) for n in range(25)]
    await record.add_events(*events)
    await record.add_events(event("tagged", T0, kind="tagged", tag="settlement/delayed"))
    await record.add_events(event("other", T0, merchant="M-2"))
    first = await record.timeline("M-10001", limit=10)
    assert len(first.events) == 10 and first.older is not None
    seen = [e.event_key for e in first.events]
    cursor: TimelineCursor | None = first.older
    while cursor is not None:
        page = await record.timeline("M-10001", before=cursor, limit=10)
        seen += [e.event_key for e in page.events]
        cursor = page.older
    assert len(seen) == len(set(seen)) == 26
    times = [e.at for e in first.events]
    assert times == sorted(times, reverse=True)
    tagged = await record.timeline("M-10001", tag="settlement/delayed")
    assert [e.event_key for e in tagged.events] == ["tagged"]
    assert first.older.token() == str(first.older.id)  # short enough to type
    by_id = await record.timeline("M-10001", before=TimelineCursor.parse(first.older.token()))
    by_time = await record.timeline("M-10001", before=first.older)
    assert [e.id for e in by_id.events] == [e.id for e in by_time.events] != []
    old_form = f"{first.older.at.isoformat()}~{first.older.id}"  # buttons posted before
    assert TimelineCursor.parse(old_form) == first.older


def test_a_timeline_page_is_one_range_scan_of_its_index(database_url: str) -> None:
    """EXPLAIN QUERY PLAN (SQLite) / EXPLAIN (PostgreSQL, with seq scans off) of the page query:
    it reads ix_record_events_merchant_at, never the whole table, and sorts nothing."""
    upgrade(database_url)
    engine = make_sync_engine(database_url)
    cursor = TimelineCursor(T0, 42)
    try:
        with engine.connect() as connection:
            by_id = TimelineCursor(None, 42)
            shapes = ((None, None), (cursor, None), (cursor, "settlement/delayed"), (by_id, None))
            for before, tag in shapes:
                statement = timeline_statement("M-10001", before=before, tag=tag, limit=20)
                compiled = statement.compile(
                    dialect=connection.dialect, compile_kwargs={"literal_binds": True}
                )
                if connection.dialect.name == "sqlite":
                    plan = " | ".join(
                        str(row[-1])
                        for row in connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
                    )
                    assert "ix_record_events_merchant_at" in plan, plan
                    assert "TEMP B-TREE" not in plan, plan
                else:
                    connection.execute(text("SET enable_seqscan = off"))
                    plan = " | ".join(
                        str(row[0]) for row in connection.execute(text(f"EXPLAIN {compiled}"))
                    )
                    assert "ix_record_events_merchant_at" in plan, plan
                    assert "Sort" not in plan.split("SubPlan")[0], plan
    finally:
        engine.dispose()


async def test_a_lead_adds_a_tag_once(store: Store) -> None:
    record = store.record
    assert await record.add_custom_tag("payment/ewallet", "E-wallets", by="U1", at=T0)
    assert not await record.add_custom_tag("payment/ewallet", "again", by="U2", at=T0)
    assert await record.custom_tags() == {"payment/ewallet": "E-wallets"}
