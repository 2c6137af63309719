"""PostgreSQL faults on a private throwaway server (the shared test server must not be stopped):
stopped mid-burst and restarted, and frozen with SIGSTOP. No row lost or doubled, and no caller
held past its deadline."""

from __future__ import annotations

import asyncio

import pytest

from supportbot.storage import StorageUnavailable, database_deadline
from tests.storage.conftest import OpenStore, audit_entry, audit_ids, run_intent, until_healthy
from tests.storage.faults import PrivateServer, server

pytestmark = pytest.mark.postgres
__all__ = ["server"]  # the private server fixture, shared with the storage tests


@pytest.fixture
def url(server: PrivateServer) -> str:
    """A new, empty database on the private server."""
    return server.new_database()


async def test_a_server_stopped_mid_burst_and_restarted_gets_every_row_once(
    server: PrivateServer, url: str, open_store: OpenStore
) -> None:
    store = open_store(url)
    await store.audit.record(audit_entry("warm-up"))
    written = 0

    async def burst(worker: int) -> None:
        nonlocal written
        for n in range(40):
            await store.audit.record(audit_entry(f"{worker}-{n}"))
            written += 1
            await asyncio.sleep(0.005)

    writers = asyncio.gather(*(burst(worker) for worker in range(20)))
    while written < 150:
        await asyncio.sleep(0.01)
    await asyncio.to_thread(server.stop)
    try:
        await asyncio.sleep(1.0)
        health = store.health()
        assert not health.ok and health.problem is not None
        assert "PostgreSQL" in health.problem
        with pytest.raises(StorageUnavailable):
            await store.actions.claim_run(run_intent("during-the-stop"))
    finally:
        await asyncio.to_thread(server.start)
    await writers  # every write returned: committed or spooled
    await until_healthy(store)
    ids = await audit_ids(store)
    assert len(ids) == len(set(ids)) == 801


async def test_a_frozen_server_never_holds_a_caller_past_its_deadline(
    server: PrivateServer, url: str, open_store: OpenStore
) -> None:
    store = open_store(url)
    await store.audit.record(audit_entry("before"))
    loop = asyncio.get_running_loop()
    with server.frozen():
        started = loop.time()
        with database_deadline(started + 0.8):
            results = await asyncio.gather(
                store.audit.record(audit_entry("while-frozen")),
                store.actions.claim_run(run_intent("frozen")),
                store.audit.get("req-before"),
                return_exceptions=True,
            )
        waited = loop.time() - started
        # Past the write path's own bound (1.5 s here), the database is said to be away.
        while store.health().ok and loop.time() < started + 4:
            await asyncio.sleep(0.05)
        health = store.health()
    assert waited < 1.5, waited  # the deadline, plus a loaded machine's margin
    assert results[0] is None  # spooled
    assert isinstance(results[1], StorageUnavailable)
    assert isinstance(results[2], StorageUnavailable)
    assert "did not answer" in str(results[2])
    assert not health.ok and health.problem is not None
    assert "PostgreSQL did not answer" in health.problem
    await until_healthy(store, timeout=40)  # psycopg gives up on a cancelled query after ~10 s
    assert sorted(await audit_ids(store)) == ["req-before", "req-while-frozen"]
