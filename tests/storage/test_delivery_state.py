"""`store.events` and `store.button_states`: first claims win across replicas, button state is
kept until it expires, and the rename of its table keeps the rows. Both databases."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import func, select, text

from supportbot.storage import (
    ButtonState,
    ProcessedEvents,
    Store,
    alembic_config,
    create_store,
    make_sync_engine,
    upgrade,
)

DAY = timedelta(days=1)


async def test_of_many_concurrent_claims_on_two_replicas_exactly_one_wins(
    store: Store, database_url: str
) -> None:
    other_replica = create_store(database_url)
    try:
        events = [store.events, other_replica.events]
        results = await asyncio.gather(
            *(events[n % 2].claim("event:Ev1", keep_for=DAY) for n in range(10))
        )
    finally:
        await other_replica.close()
    assert sorted(results) == [False] * 9 + [True]


async def test_a_key_longer_than_the_column_is_claimed_once_and_kept_apart(store: Store) -> None:
    long_key = "block_actions:" + "x" * 1000
    assert await store.events.claim(long_key, keep_for=DAY)
    assert not await store.events.claim(long_key, keep_for=DAY)
    assert await store.events.claim(long_key[:-1], keep_for=DAY)


async def test_a_claim_older_than_keep_for_is_pruned_and_the_key_free_again(store: Store) -> None:
    assert await store.events.claim("command:T1", keep_for=DAY)
    # A repository prunes on its first write (then every few minutes): a fresh one prunes now.
    fresh = ProcessedEvents(store.read, store.writer)
    assert await fresh.claim("command:T1", keep_for=timedelta(0))


async def test_a_button_state_is_kept_until_it_expires(store: Store) -> None:
    state = '{"title": "Tökö 😀", "choices": ["/merchant M-10001"]}'
    await store.button_states.put("i0", requester="U0AGENT", state=state, keep_for=DAY)
    assert await store.button_states.get("i0") == state
    await store.button_states.put("i1", requester="U0AGENT", state="{}", keep_for=-DAY)
    assert await store.button_states.get("i1") is None
    assert await store.button_states.get("nope") is None


async def test_an_id_longer_than_any_kept_is_unknown_and_refused(store: Store) -> None:
    assert await store.button_states.get("x" * 10_000) is None
    with pytest.raises(ValueError, match="at most 64 characters"):
        await store.button_states.put("x" * 65, requester="U0", state="{}", keep_for=DAY)


async def test_expired_button_states_are_deleted_by_the_next_writer(
    store: Store, database_url: str
) -> None:
    await store.button_states.put("old", requester="U0", state="{}", keep_for=-DAY)
    other_replica = create_store(database_url)  # its first write prunes
    try:
        await other_replica.button_states.put("new", requester="U0", state="{}", keep_for=DAY)
    finally:
        await other_replica.close()
    async with store.engine.connect() as connection:
        ids = (await connection.execute(select(ButtonState.id))).scalars().all()
        count = (await connection.execute(select(func.count()).select_from(ButtonState))).scalar()
    assert ids == ["new"] and count == 1


async def test_the_rename_of_the_button_state_table_keeps_its_rows(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "0003")
    engine = make_sync_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO slack_interactions (id, requester, created_at, expires_at, "
                    "payload) VALUES ('kept', 'U0', :now, :later, '{\"kept\": true}')"
                ),
                {"now": "2026-12-01 00:00:00", "later": "2999-01-01 00:00:00"},
            )
    finally:
        engine.dispose()
    upgrade(database_url)
    async with create_store(database_url) as store:
        assert await store.button_states.get("kept") == '{"kept": true}'
