"""Dedupe claims and button state in the database: one winner across replicas, both databases."""

from __future__ import annotations

import asyncio

from supportbot.slack._interactions import Interaction, StoredButton
from supportbot.slack._store import StoreDedupe, StoreInteractions
from supportbot.storage import Store, create_store


async def test_of_many_concurrent_claims_from_two_replicas_exactly_one_wins(
    store: Store, database_url: str
) -> None:
    other_replica = create_store(database_url)
    try:
        claims = [StoreDedupe(store), StoreDedupe(other_replica)]
        results = await asyncio.gather(*(claims[n % 2].claim("event:Ev1") for n in range(10)))
    finally:
        await other_replica.close()
    assert sorted(results) == [False] * 9 + [True]


async def test_keys_of_any_length_are_claimed_once(store: Store) -> None:
    dedupe = StoreDedupe(store)
    long_key = "block_actions:" + "x" * 1000
    assert await dedupe.claim(long_key)
    assert not await dedupe.claim(long_key)
    assert await dedupe.claim(long_key[:-1])


async def test_an_interaction_is_kept_until_it_expires(store: Store) -> None:
    interaction = Interaction(
        id="i0",
        requester="U0AGENT",
        requester_name="rina",
        channel="C0SUPPORT",
        command="/resend-receipt TX-1042",
        buttons=(StoredButton(action="confirm", value="tok"),),
        shared={"title": "Tökö 😀", "outcome": "ok"},
    )
    await StoreInteractions(store).save(interaction)
    loaded = await StoreInteractions(store).load("i0")
    assert loaded is not None
    assert (loaded.requester_name, loaded.buttons, loaded.shared) == (
        "rina",
        interaction.buttons,
        interaction.shared,
    )
    expired = StoreInteractions(store, ttl_s=-1)
    await expired.save(Interaction(id="i1", requester="U0AGENT"))
    assert await expired.load("i1") is None
    assert await StoreInteractions(store).load("nope") is None
