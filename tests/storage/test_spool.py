"""The spool alone: durable appends, replay bookkeeping, files left by stopped processes, and a
spool that cannot be written (full disk, read-only folder)."""

from __future__ import annotations

import fcntl
import json
import os
import stat
from pathlib import Path

from supportbot.storage.spool import RESERVE_BYTES, Spool
from tests.storage.faults import fill, read_only, small_disk


def record(n: int) -> dict[str, object]:
    return {"insert": "audit_records", "key": ["request_id"], "values": {"request_id": f"r{n}"}}


def request_ids(records: list[dict[str, object]]) -> list[str]:
    return [str(r["values"]["request_id"]) for r in records]  # type: ignore[index]


async def test_appended_rows_are_on_disk_before_append_returns(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.open()
    await spool.append([record(1), record(2)])
    [path] = list((tmp_path / "spool").glob("*.jsonl"))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["values"]["request_id"] for line in lines] == ["r1", "r2"]
    assert spool.count == 2 and spool.held == 0
    await spool.close()
    assert path.exists()  # rows not replayed: left for the next start


async def test_the_spool_is_readable_only_by_its_owner(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.open()
    await spool.append([record(1)])
    [path] = list((tmp_path / "spool").glob("*.jsonl"))
    assert stat.S_IMODE((tmp_path / "spool").stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    await spool.close()


async def test_replayed_rows_are_forgotten_and_rows_spooled_meanwhile_kept(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.open()
    await spool.append([record(1), record(2)])
    batch = await spool.take()
    assert batch is not None and request_ids(batch.records) == ["r1", "r2"]
    await spool.append([record(3)])  # arrives while the first two are being replayed
    batch.replayed()
    assert not spool.empty_now()
    again = await spool.take()
    assert again is not None and request_ids(again.records) == ["r3"]
    again.replayed()
    assert spool.empty_now() and spool.count == 0
    assert await spool.take() is None
    await spool.close()
    assert not (tmp_path / "spool").exists()  # empty: file and folder deleted on close


async def test_a_failed_replay_keeps_every_row(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool")
    spool.open()
    await spool.append([record(1)])
    batch = await spool.take()
    assert batch is not None
    batch.failed()
    again = await spool.take()
    assert again is not None and request_ids(again.records) == ["r1"]
    await spool.close()


async def test_a_file_left_by_a_stopped_process_is_adopted_and_removed_after_replay(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "spool"
    folder.mkdir()
    left = folder / "12345-dead.jsonl"
    lines = [json.dumps(record(1)), json.dumps(record(2)), '{"insert": "audit_rec']  # torn
    left.write_text("\n".join(lines), encoding="utf-8")
    spool = Spool(folder)
    spool.open()
    assert spool.count == 2
    batch = await spool.take()
    assert batch is not None and request_ids(batch.records) == ["r1", "r2"]
    batch.replayed()
    assert not left.exists()
    assert spool.empty_now()
    await spool.close()


async def test_an_empty_file_of_a_stopped_process_is_removed(tmp_path: Path) -> None:
    folder = tmp_path / "spool"
    folder.mkdir()
    (folder / "12345-dead.jsonl").write_bytes(b"")
    spool = Spool(folder)
    spool.open()
    assert spool.count == 0 and not (folder / "12345-dead.jsonl").exists()
    await spool.close()


async def test_a_file_of_a_live_process_is_left_to_it(tmp_path: Path) -> None:
    folder = tmp_path / "spool"
    folder.mkdir()
    theirs = folder / "999-alive.jsonl"
    theirs.write_text(json.dumps(record(1)) + "\n", encoding="utf-8")
    fd = os.open(theirs, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # what the live process holds
    try:
        spool = Spool(folder)
        spool.open()
        assert spool.count == 0 and await spool.take() is None
        await spool.close()
    finally:
        os.close(fd)
    assert theirs.exists()


async def test_on_a_full_disk_rows_land_in_the_reserved_space(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", size="8m") as disk:
        spool = Spool(disk / "spool")
        spool.open()
        fill(disk)
        rows = [record(n) | {"pad": "x" * 400} for n in range(2000)]  # ~1 MB, within the reserve
        assert len(json.dumps(rows)) < RESERVE_BYTES
        await spool.append(rows)
        assert spool.held == 0 and spool.problem is None
        batch = await spool.take()
        assert batch is not None and len(batch.records) == 2000
        await spool.close()


async def test_a_spool_that_cannot_be_written_holds_rows_in_memory(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    with read_only(folder):
        spool = Spool(folder / "spool")
        spool.open()
        await spool.append([record(1), record(2)])
        assert spool.held == 2 and spool.count == 2
        assert spool.problem is not None and str(folder) in spool.problem
        batch = await spool.take()
        assert batch is not None and request_ids(batch.records) == ["r1", "r2"]
        batch.replayed()
        assert spool.empty_now() and spool.held == 0
        await spool.close()
