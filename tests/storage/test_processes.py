"""Several processes on one database: the bot started twice, replicas deploying together."""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from supportbot.storage import AuditEntry, create_store, current_revision, head_revision, upgrade

WRITES_PER_PROCESS = 150


def _start_and_write(url: str, name: str) -> None:
    """What a bot process does: migrate on start, then write audit records, many at once."""
    upgrade(url)

    async def run() -> None:
        store = create_store(url)
        try:
            await asyncio.gather(
                *(
                    store.audit.record(
                        AuditEntry(
                            request_id=f"{name}-{n}",
                            user_id=name,
                            adapter="test",
                            outcome="ok",
                            duration_ms=1.0,
                            at=datetime.now(UTC),
                        )
                    )
                    for n in range(WRITES_PER_PROCESS)
                )
            )
        finally:
            await store.close()

    asyncio.run(run())


def _count(url: str, user: str) -> int:
    async def run() -> int:
        async with create_store(url) as store:
            return len(await store.audit.query(user=user, limit=10_000))

    return asyncio.run(run())


def test_two_processes_start_on_one_new_sqlite_file_and_write_without_locking_errors(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'shared.db'}"
    context = multiprocessing.get_context("spawn")  # no fork of a process with threads
    workers = [
        context.Process(target=_start_and_write, args=(url, name)) for name in ("one", "two")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(90)
    # A "database is locked" or "table already exists" in a child ends it with exit code 1.
    assert [worker.exitcode for worker in workers] == [0, 0]
    assert _count(url, "one") == WRITES_PER_PROCESS
    assert _count(url, "two") == WRITES_PER_PROCESS
    assert current_revision(url) == head_revision()


def test_concurrent_upgrades_of_one_database_take_turns(database_url: str) -> None:
    # Threads stand in for processes here: each upgrade opens its own connection.
    with ThreadPoolExecutor(max_workers=4) as pool:
        for future in [pool.submit(upgrade, database_url) for _ in range(4)]:
            future.result()
    assert current_revision(database_url) == head_revision()
