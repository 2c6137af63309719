"""Leases: one holder at a time across replicas, renewed by its holder, taken once expired."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from supportbot.storage import Store, create_store, upgrade

from .conftest import FAST

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
TTL = timedelta(minutes=2)


async def test_the_first_holder_wins_and_renews_while_others_wait(store: Store) -> None:
    first = await store.leases.acquire("qa-sample", "replica-a", ttl=TTL, now=T0)
    assert first is not None and first.term == 1 and first.expires_at == T0 + TTL
    assert await store.leases.acquire("qa-sample", "replica-b", ttl=TTL, now=T0) is None
    renewed = await store.leases.acquire("qa-sample", "replica-a", ttl=TTL, now=T0 + TTL / 2)
    assert renewed is not None and renewed.term == 1
    # b waits past the first expiry, but a renewed: still a's
    later = T0 + TTL + timedelta(seconds=1)
    assert await store.leases.acquire("qa-sample", "replica-b", ttl=TTL, now=later) is None


async def test_an_expired_lease_changes_hands_with_a_new_term(store: Store) -> None:
    await store.leases.acquire("daily-share", "replica-a", ttl=TTL, now=T0)
    taken = await store.leases.acquire("daily-share", "replica-b", ttl=TTL, now=T0 + TTL)
    assert taken is not None and taken.holder == "replica-b" and taken.term == 2
    holder = await store.leases.holder("daily-share", now=T0 + TTL)
    assert holder is not None and holder.holder == "replica-b"
    assert not await store.leases.mark_done("daily-share", "replica-a", "2026-12-07")
    assert await store.leases.mark_done("daily-share", "replica-b", "2026-12-07")
    assert await store.leases.is_done("daily-share", "2026-12-07")
    assert not await store.leases.is_done("daily-share", "2026-12-08")


async def test_a_released_lease_is_free_at_once(store: Store) -> None:
    await store.leases.acquire("qa-sample", "replica-a", ttl=TTL)
    assert await store.leases.release("qa-sample", "replica-a")
    assert not await store.leases.release("qa-sample", "replica-a")  # no longer held
    assert await store.leases.acquire("qa-sample", "replica-b", ttl=TTL) is not None


async def test_leases_are_independent_by_name(store: Store) -> None:
    assert await store.leases.acquire("a", "one", ttl=TTL) is not None
    assert await store.leases.acquire("b", "two", ttl=TTL) is not None
    assert await store.leases.holder("c") is None


@pytest.mark.parametrize("bad", ["", "x" * 101])
async def test_a_bad_lease_name_is_refused(store: Store, bad: str) -> None:
    with pytest.raises(ValueError, match="lease name"):
        await store.leases.acquire(bad, "one", ttl=TTL)
    with pytest.raises(ValueError, match="ttl"):
        await store.leases.acquire("a", "one", ttl=timedelta(0))


async def test_replicas_racing_for_one_lease_leave_exactly_one_holder(database_url: str) -> None:
    upgrade(database_url)
    replicas = [create_store(database_url, policy=FAST) for _ in range(4)]
    try:
        for _ in range(5):  # five rounds, each after the previous lease expired
            now = datetime.now(UTC)
            grants = await asyncio.gather(
                *(
                    store.leases.acquire("race", f"replica-{n}", ttl=TTL, now=now)
                    for n, store in enumerate(replicas)
                )
            )
            assert sum(grant is not None for grant in grants) == 1
            winner = next(g for g in grants if g is not None)
            await replicas[0].leases.release("race", winner.holder)
    finally:
        for store in replicas:
            await store.close()
