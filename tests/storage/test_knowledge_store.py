"""The knowledge tables on SQLite and PostgreSQL: snippet versions, known issues, links and the
notice ledger, each decided by the database when two writers race."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import inspect

from supportbot.storage import (
    Notice,
    Snippet,
    SnippetConflict,
    SnippetUse,
    Store,
    alembic_config,
    create_store,
    make_sync_engine,
    upgrade,
)
from supportbot.storage import incidents as incidents_module

KNOWLEDGE_TABLES = {
    "snippets",
    "snippet_uses",
    "incidents",
    "incident_events",
    "incident_links",
    "incident_notices",
}


def test_migration_0006_goes_up_and_down(database_url: str) -> None:
    upgrade(database_url)
    engine = make_sync_engine(database_url)
    try:
        assert KNOWLEDGE_TABLES <= set(inspect(engine).get_table_names())
        with engine.begin() as connection:
            config = alembic_config(database_url)
            config.attributes["connection"] = connection
            command.downgrade(config, "0004")
        assert not KNOWLEDGE_TABLES & set(inspect(engine).get_table_names())
        assert "audit_records" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    upgrade(database_url)  # and up again
    engine = make_sync_engine(database_url)
    try:
        assert KNOWLEDGE_TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


async def test_each_edit_is_a_new_version_with_who_and_when(store: Store) -> None:
    first = await store.snippets.save(
        key="a::b", title="T", body="v1", owner="lina", by="lina", after_version=0
    )
    second = await store.snippets.save(
        key="a::b", title="T", body="v2", owner="lina", by="dewi", after_version=1
    )
    assert (first.version, second.version) == (1, 2)
    assert (await store.snippets.current("a::b")).body == "v2"  # type: ignore[union-attr]
    assert [(v.version, v.created_by) for v in await store.snippets.versions("a::b")] == [
        (2, "dewi"),
        (1, "lina"),
    ]
    with pytest.raises(SnippetConflict) as stale:
        await store.snippets.save(
            key="a::b", title="T", body="late", owner="lina", by="ani", after_version=1
        )
    assert stale.value.current is not None and stale.value.current.version == 2


async def test_two_leads_editing_at_once_get_one_version_each_never_the_same(store: Store) -> None:
    await store.snippets.save(key="a::b", title="T", body="v1", owner="x", by="x", after_version=0)

    async def edit(who: str) -> int | None:
        try:
            saved = await store.snippets.save(
                key="a::b", title="T", body=who, owner="x", by=who, after_version=1
            )
        except SnippetConflict:
            return None
        return saved.version

    results = await asyncio.gather(edit("lina"), edit("dewi"))
    assert sorted(results, key=str) == [2, None]
    assert len(await store.snippets.versions("a::b")) == 2


async def test_the_seed_adds_only_missing_keys_and_uses_are_counted(store: Store) -> None:
    now = datetime.now(UTC)
    seed = [
        Snippet(
            key=k, version=1, title=k, body="Hi\x00", owner="o", created_by="seed", created_at=now
        )
        for k in ("a::b", "c::d")
    ]
    assert await store.snippets.seed(seed) == 2
    await store.snippets.save(
        key="a::b", title="T", body="lead", owner="o", by="lina", after_version=1
    )
    assert await store.snippets.seed(seed) == 0  # a lead's edit is never overwritten
    assert (await store.snippets.current("a::b")).body == "lead"  # type: ignore[union-attr]
    assert (await store.snippets.current("c::d")).body == "Hi"  # type: ignore[union-attr]
    use = SnippetUse(
        request_id="r1",
        key="a::b",
        version=2,
        user_id="u",
        merchant_id="M-10001",
        interaction_id="I-1",
        at=now,
    )
    await store.snippets.record_use(use)
    await store.snippets.record_use(use)  # a replay of the same request: one use
    assert await store.snippets.use_counts() == {"a::b": 1}
    assert [u.key for u in await store.snippets.uses_of_interaction("I-1")] == ["a::b"]


async def test_a_seed_naming_a_key_twice_adds_it_once_and_the_rest(store: Store) -> None:
    """The seed goes in as one statement; when that fails on a key (named twice here, or
    seeded meanwhile by another replica) the rows are added one by one, the first one winning."""
    now = datetime.now(UTC)
    seed = [
        Snippet(key=k, version=1, title=t, body=t, owner="o", created_by="seed", created_at=now)
        for k, t in (("a::b", "first"), ("c::d", "other"), ("a::b", "second"))
    ]
    assert await store.snippets.seed(seed) == 2
    assert (await store.snippets.current("a::b")).body == "first"  # type: ignore[union-attr]
    assert (await store.snippets.current("c::d")).body == "other"  # type: ignore[union-attr]
    assert len(await store.snippets.versions("a::b")) == 1


async def test_a_status_moves_once_when_two_leads_move_it(store: Store) -> None:
    opened = await store.incidents.open(
        title="T" * 300, by="lina", status="investigating", match={"fields": {"plan": ["Pro"]}}
    )
    assert opened.ref == "KI-1" and len(opened.title) == 200
    moves = await asyncio.gather(
        *(
            store.incidents.move(opened.id, from_status="investigating", to_status=to, by=who)
            for to, who in (("identified", "lina"), ("monitoring", "dewi"))
        )
    )
    assert sorted(moves) == [False, True]
    history = await store.incidents.history(opened.id)
    assert [e.to_status for e in history][0] == "investigating" and len(history) == 2
    assert [i.id for i in await store.incidents.active()] == [opened.id]
    after = await store.incidents.get(opened.id)
    assert after is not None
    assert await store.incidents.move(
        opened.id, from_status=after.status, to_status="resolved", by="lina"
    )
    assert await store.incidents.active() == []


async def test_a_link_exists_once(store: Store) -> None:
    opened = await store.incidents.open(title="T", by="lina", status="investigating")
    links = await asyncio.gather(
        *(store.incidents.link(opened.id, kind="merchant", ref="M-10001", by="x") for _ in range(3))
    )
    assert sorted(links) == [False, False, True]
    assert await store.incidents.linked_to("merchant", "M-10001") == [opened.id]


async def test_the_banner_sees_a_change_made_here_at_once(store: Store) -> None:
    assert await store.incidents.banner_state("M-10001") == ([], [])
    opened = await store.incidents.open(title="T", by="lina", status="investigating")
    await store.incidents.link(opened.id, kind="merchant", ref="M-10001", by="x")
    active, linked = await store.incidents.banner_state("M-10001")
    assert [i.id for i in active] == [opened.id] and linked == [opened.id]
    assert await store.incidents.banner_state("M-20002") == (active, [])
    await store.incidents.move(opened.id, from_status="investigating", to_status="resolved", by="l")
    assert await store.incidents.banner_state("M-10001") == ([], [])


async def test_the_banner_sees_another_replicas_change_within_its_max_age(
    database_url: str, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]
    monkeypatch.setattr(incidents_module.time, "monotonic", lambda: clock[0])
    assert await store.incidents.banner_state(None) == ([], [])
    other = create_store(database_url)
    try:
        opened = await other.incidents.open(title="T", by="lina", status="investigating")
    finally:
        await other.close()
    assert await store.incidents.banner_state(None) == ([], [])  # still trusted
    clock[0] += incidents_module.ACTIVE_MAX_AGE
    active, _ = await store.incidents.banner_state(None)
    assert [i.id for i in active] == [opened.id]


def notice(merchant: str, at: datetime) -> Notice:
    return Notice(
        subject_id=1,
        merchant_id=merchant,
        snippet_key="a::b",
        snippet_version=1,
        idempotency_key=f"k-{merchant}",
        by="lina",
        claimed_at=at,
    )


async def test_a_notice_is_claimed_once_across_racing_runs(store: Store) -> None:
    now = datetime.now(UTC)
    claims = await asyncio.gather(
        *(
            store.incidents.claim_notice(notice("M-10001", now + timedelta(milliseconds=i)))
            for i in range(5)
        )
    )
    assert sum(claim.won for claim in claims) == 1
    await store.incidents.finish_notice(notice("M-10001", now), state="sent", detail="NT-1")
    again = await store.incidents.claim_notice(notice("M-10001", now + timedelta(seconds=9)))
    assert not again.won and again.notice.state == "sent"
    assert await store.incidents.notice_counts(1) == {"sent": 1}


async def test_an_unfinished_notice_is_taken_over_with_its_first_key(store: Store) -> None:
    now = datetime.now(UTC)
    first = await store.incidents.claim_notice(notice("M-10002", now))
    assert first.won  # ... and the run dies before the outcome is written
    soon = await store.incidents.claim_notice(notice("M-10002", now + timedelta(seconds=5)))
    assert not soon.won and soon.notice.state == "sending"  # it may still be sending
    later = notice("M-10002", now + timedelta(seconds=31))
    retry = await store.incidents.claim_notice(
        Notice(**{**later.__dict__, "idempotency_key": "another-key"})
    )
    assert retry.won and retry.notice.idempotency_key == "k-M-10002"
