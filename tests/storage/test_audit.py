"""The audit trail on SQLite and PostgreSQL: write, filter, order, export."""

from __future__ import annotations

import asyncio
import csv
import io
import multiprocessing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from supportbot.storage import AuditEntry, Store, create_store, upgrade, write_csv

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def entry(n: int, **changes: object) -> AuditEntry:
    values: dict[str, object] = {
        "request_id": f"req-{n}",
        "user_id": "U1",
        "user_name": "ani",
        "adapter": "terminal",
        "outcome": "ok",
        "duration_ms": 12.5,
        "at": T0 + timedelta(minutes=n),
        "command": "merchant",
        "arguments": "who=0812-••••-7890",
        "target": "0812-••••-7890",
    }
    values.update(changes)
    return AuditEntry(**values)  # type: ignore[arg-type]


async def test_a_record_round_trips(store: Store) -> None:
    written = entry(1, service_errors=[{"service": "billing", "kind": "timeout"}], channel="C1")
    await store.audit.record(written)
    assert await store.audit.get("req-1") == written
    assert await store.audit.get("req-404") is None


async def test_query_filters_and_orders_newest_first(store: Store) -> None:
    await store.audit.record(entry(1))
    await store.audit.record(entry(2, outcome="rejected", command=None))
    await store.audit.record(entry(3, user_id="U2", command="transaction", target="TX-1042"))
    await store.audit.record(entry(4, outcome="error"))
    assert [e.request_id for e in await store.audit.query()] == [f"req-{n}" for n in (4, 3, 2, 1)]
    assert [e.request_id for e in await store.audit.query(outcome="rejected")] == ["req-2"]
    assert [e.request_id for e in await store.audit.query(user="U2")] == ["req-3"]
    assert [e.request_id for e in await store.audit.query(target="TX-1042")] == ["req-3"]
    assert [e.request_id for e in await store.audit.query(command="merchant")] == ["req-4", "req-1"]
    since = await store.audit.query(
        since=T0 + timedelta(minutes=2), until=T0 + timedelta(minutes=4)
    )
    assert [e.request_id for e in since] == ["req-3", "req-2"]
    assert len(await store.audit.query(limit=2)) == 2


async def test_unicode_huge_and_hostile_text_is_kept(store: Store) -> None:
    hostile = '\'; DROP TABLE audit_records; -- "Toko Emas 金龙" ☕ ' + "x" * 100_000
    await store.audit.record(entry(1, arguments=hostile, user_name="Ñam ☕", error="e" * 50_000))
    found = await store.audit.get("req-1")
    assert found is not None
    assert found.arguments == hostile and found.user_name == "Ñam ☕"
    assert len(await store.audit.query()) == 1  # the table is still there


async def test_nul_bytes_are_the_only_thing_dropped(store: Store) -> None:
    await store.audit.record(entry(1, arguments="a\x00b", error="x\x00y"))
    found = await store.audit.get("req-1")
    assert found is not None and found.arguments == "ab" and found.error == "xy"


async def test_many_concurrent_writers_lose_nothing(store: Store) -> None:
    await asyncio.gather(*(store.audit.record(entry(n)) for n in range(50)))
    assert len(await store.audit.query(limit=1000)) == 50


def _write_many(url: str, offset: int) -> None:
    async def run() -> None:
        opened = create_store(url)
        try:
            for n in range(offset, offset + 40):
                await opened.audit.record(entry(n))
        finally:
            await opened.close()

    asyncio.run(run())


def test_two_processes_share_one_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    upgrade(url)
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_many, args=(url, k * 1000)) for k in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0

    async def count() -> int:
        opened = create_store(url)
        try:
            return len(await opened.audit.query(limit=1000))
        finally:
            await opened.close()

    assert asyncio.run(count()) == 80


def test_csv_export_has_a_header_and_defuses_formulas() -> None:
    out = io.StringIO()
    write_csv(
        [
            entry(1, arguments='=HYPERLINK("http://x")', user_name="+cmd", target="@x"),
            entry(
                2, arguments="plain ☕", service_errors=[{"service": "billing", "kind": "timeout"}]
            ),
        ],
        out,
    )
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert rows[0]["arguments"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["user_name"] == "'+cmd" and rows[0]["target"] == "'@x"
    assert rows[1]["arguments"] == "plain ☕"
    assert rows[1]["service_errors"] == "billing:timeout"
    assert rows[1]["at"] == (T0 + timedelta(minutes=2)).isoformat()
