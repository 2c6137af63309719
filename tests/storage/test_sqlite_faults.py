"""SQLite faults survived and said: a deleted or replaced file, a read-only file or folder, a
full disk, and a write lock held elsewhere mid-burst. In each: no crash, no row lost or doubled,
`store.health()` names the problem, and a claim is refused rather than left hanging."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from supportbot.storage import StorageUnavailable
from tests.storage.conftest import OpenStore, audit_entry, audit_ids, run_intent, until_healthy
from tests.storage.faults import fill, read_only, small_disk

ROOT = Path(__file__).resolve().parents[2]


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'supportbot.db'}"


async def test_a_deleted_file_is_said_and_its_rows_spool_until_a_restart_replays_them(
    tmp_path: Path, open_store: OpenStore
) -> None:
    url = sqlite_url(tmp_path / "data")
    database = tmp_path / "data" / "supportbot.db"
    store = open_store(url)
    await store.audit.record(audit_entry("before"))
    database.unlink()
    health = store.health()
    assert not health.ok and health.problem is not None
    assert f"the SQLite file {database} was deleted or replaced" in health.problem
    await store.audit.record(audit_entry("during"))  # durable in the spool, not in the void
    with pytest.raises(StorageUnavailable) as refused:
        await store.actions.claim_run(run_intent("k1"))
    assert "nothing was done" in refused.value.user_message
    assert store.health().spooled == 1
    assert "1 row waits in the spool" in store.health().sentence()
    assert not database.exists()  # nothing re-created an empty file in its place
    await store.close()

    restarted = open_store(url)  # the start migrates a new file; the old spool is replayed
    await restarted.audit.record(audit_entry("after"))
    await until_healthy(restarted)
    assert sorted(await audit_ids(restarted)) == ["req-after", "req-during"]


async def test_a_card_read_on_a_deleted_file_is_refused_with_the_file_named(
    tmp_path: Path, open_store: OpenStore
) -> None:
    # The card's reads run on plain sqlite3 connections in threads (storage/local_reads.py):
    # they are guarded and classified as the async engine's are.
    database = tmp_path / "data" / "supportbot.db"
    store = open_store(sqlite_url(tmp_path / "data"))
    database.unlink()
    since = datetime.now(UTC) - timedelta(days=30)
    with pytest.raises(StorageUnavailable) as refused:
        await store.record.card("M-10001", contacts_since=since)
    assert str(database) in refused.value.problem
    assert not database.exists()  # the read did not create an empty file in its place


def test_a_replaced_file_is_never_written_nor_opened_and_the_process_survives(
    tmp_path: Path,
) -> None:
    # In a process of its own: a connection on the replacement would map the old -shm, whose
    # truncation kills the process with SIGBUS; pytest must survive to report it.
    url = sqlite_url(tmp_path / "data")
    script = textwrap.dedent(
        f"""
        import asyncio, os, shutil
        from supportbot.storage import create_store, upgrade
        from tests.storage.conftest import run_intent, FAST, audit_entry

        async def main():
            upgrade({url!r})
            store = create_store({url!r}, spool_dir={str(tmp_path / "spool")!r}, policy=FAST)
            await asyncio.gather(*(store.audit.record(audit_entry(n)) for n in range(100)))
            path = {str(tmp_path / "data" / "supportbot.db")!r}
            shutil.copy(path, path + ".new")
            os.replace(path + ".new", path)
            results = await asyncio.gather(
                *(store.audit.record(audit_entry(f"x{{n}}")) for n in range(100)),
                *(store.audit.get(f"req-{{n}}") for n in range(100)),
                *(store.actions.get_run(f"k{{n}}") for n in range(50)),
                return_exceptions=True,
            )
            health = store.health()
            print("problem:", health.problem)
            print("spooled:", health.spooled)
            print("writes failed:", sum(r is not None for r in results[:100]))
            await store.close()

        asyncio.run(main())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "was deleted or replaced" in done.stdout
    assert "spooled: 100" in done.stdout and "writes failed: 0" in done.stdout


async def test_a_read_only_file_keeps_reads_refuses_claims_and_spools_writes(
    tmp_path: Path, open_store: OpenStore
) -> None:
    url = sqlite_url(tmp_path / "data")
    database = tmp_path / "data" / "supportbot.db"
    seeded = open_store(url)
    await seeded.audit.record(audit_entry("before"))
    await seeded.close()
    store = open_store(url, migrate=False)  # the start's checks pass; then the file turns
    with read_only(database):
        await store.audit.record(audit_entry("during"))
        health = store.health()
        assert not health.ok and health.problem is not None and "read-only" in health.problem
        assert await store.audit.get("req-before") is not None  # lookups keep working
        with pytest.raises(StorageUnavailable):
            await store.actions.claim_run(run_intent("k1"))
        assert store.health().spooled == 1
    await until_healthy(store)  # writable again: the spool is replayed
    assert sorted(await audit_ids(store)) == ["req-before", "req-during"]


async def test_a_read_only_folder_holds_rows_in_memory_and_says_so(
    tmp_path: Path, open_store: OpenStore
) -> None:
    folder = tmp_path / "data"
    url = sqlite_url(folder)
    seeded = open_store(url, spool_dir=None)
    await seeded.audit.record(audit_entry("before"))
    await seeded.close()
    store = open_store(url, migrate=False, spool_dir=None)  # its spool is in that folder
    with read_only(folder):
        await store.audit.record(audit_entry("during"))
        health = store.health()
        assert not health.ok and health.problem is not None and "read-only" in health.problem
        assert health.held_in_memory == 1
        assert "held in memory" in health.sentence()
        with pytest.raises(StorageUnavailable):
            await store.actions.claim_run(run_intent("k1"))
    await until_healthy(store)
    assert sorted(await audit_ids(store)) == ["req-before", "req-during"]


async def test_a_full_disk_never_kills_the_bot_and_every_row_arrives_once_freed(
    tmp_path: Path, open_store: OpenStore
) -> None:
    with small_disk(tmp_path / "disk", size="16m") as disk:
        store = open_store(sqlite_url(disk), spool_dir=None)  # the spool shares the full disk
        await store.audit.record(audit_entry("first"))
        filler = fill(disk)
        await asyncio.gather(
            *(store.audit.record(audit_entry(n, arguments="x" * 2000)) for n in range(300))
        )
        health = store.health()
        assert not health.ok and health.problem is not None
        assert "disk is full" in health.problem, health.problem
        assert health.spooled > 0 and health.held_in_memory == 0  # the spool's reserve took them
        assert await store.audit.get("req-first") is not None
        with pytest.raises(StorageUnavailable):
            await store.actions.claim_run(run_intent("k1"))
        filler.unlink()
        await until_healthy(store)
        ids = await audit_ids(store)
        assert len(ids) == len(set(ids)) == 301


async def test_a_write_lock_held_elsewhere_mid_burst_loses_and_doubles_nothing(
    tmp_path: Path, open_store: OpenStore
) -> None:
    url = sqlite_url(tmp_path / "data")
    store = open_store(url)
    await store.audit.record(audit_entry("warm-up"))

    async def burst(worker: int) -> None:
        for n in range(30):
            await store.audit.record(audit_entry(f"{worker}-{n}"))
            await asyncio.sleep(0.01)

    writers = asyncio.gather(*(burst(worker) for worker in range(20)))
    await asyncio.sleep(0.2)
    other = sqlite3.connect(
        tmp_path / "data" / "supportbot.db", isolation_level=None, check_same_thread=False
    )
    # Another process takes the write lock (waiting for ours, off the event loop) for 2.5 s.
    await asyncio.to_thread(other.execute, "BEGIN EXCLUSIVE")
    try:
        await asyncio.sleep(2.5)
        health = store.health()
        assert not health.ok and health.problem is not None
        assert "stayed locked by another process" in health.problem, health.problem
    finally:
        other.execute("ROLLBACK")
        other.close()
    await writers
    await until_healthy(store)
    ids = await audit_ids(store)
    assert len(ids) == len(set(ids)) == 601


def test_stale_journal_files_of_a_deleted_database_are_set_aside(tmp_path: Path) -> None:
    from supportbot.storage import upgrade

    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "supportbot.db-wal").write_bytes(b"old pages")
    (folder / "supportbot.db-shm").write_bytes(b"old index")
    upgrade(sqlite_url(folder))
    assert (
        not (folder / "supportbot.db-wal").exists()
        or (folder / "supportbot.db-wal").read_bytes() != b"old pages"
    )
    assert len(list(folder.glob("supportbot.db-wal.stale-*"))) == 1
    assert shutil.disk_usage(folder)  # the folder is still usable
