"""The write path alone: audit rows per second, latency and CPU per row, rows per commit, for
SQLite's `synchronous` FULL and NORMAL, against one commit per row (the path before).

    python bench/write_path.py [--rows 3000] [--concurrency 1,10,50,200]
                               [--database-url URL] [--autocheckpoint PAGES]

Each mode writes `--rows` audit rows at each concurrency (a closed loop: every writer awaits its
row, durable, before it writes the next) into a throwaway SQLite file (or `--database-url`, a
PostgreSQL database you own: `synchronous` does not apply there and only FULL is run), then
checks that the table holds exactly the rows written. Modes:

- `group FULL`: the bot's write path as shipped (`synchronous=FULL`);
- `group NORMAL`: the same with `synchronous=NORMAL`;
- `per-row FULL`: one transaction and one commit per row on the pooled engine, as before.

`--autocheckpoint` sets `wal_autocheckpoint` for every mode (default: the shipped 1000 pages).
It stops by itself and touches nothing but its own database.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select

from supportbot.storage import AuditEntry, AuditRecord, Store, create_store, upgrade
from supportbot.storage.changes import insert_statement

AUDIT: Any = AuditRecord.__table__


def _entry(n: int) -> AuditEntry:
    return AuditEntry(
        request_id=f"bench-{n}",
        user_id="U0BENCH",
        user_name="bench",
        adapter="bench",
        outcome="ok",
        duration_ms=0.4,
        command="help",
        arguments="topic=merchant",
        channel="C0BENCH",
    )


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _set(store: Store, pragmas: dict[str, Any]) -> None:
    """Override SQLite settings on every new connection of the store (after its own)."""

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for name, value in pragmas.items():
            cursor.execute(f"PRAGMA {name}={value}")
        cursor.close()

    for engine in (store.engine, store.writer.engine):
        event.listen(engine.sync_engine, "connect", on_connect)


async def _per_row(store: Store, entry: AuditEntry) -> None:
    """The path before: one transaction, one commit, one fsync per row, on the pool."""
    async with store.engine.begin() as connection:
        await connection.execute(insert_statement(AUDIT), asdict(entry))


async def _level(
    store: Store, mode: str, rows: int, concurrency: int, start: int
) -> dict[str, Any]:
    commits: list[int] = []

    def count(_connection: Any) -> None:
        commits.append(1)

    for engine in (store.engine, store.writer.engine):
        event.listen(engine.sync_engine, "commit", count)
    latencies: list[float] = []
    counter = iter(range(start, start + rows))

    async def writer() -> None:
        for n in counter:
            began = time.perf_counter()
            if mode.startswith("per-row"):
                await _per_row(store, _entry(n))
            else:
                await store.audit.record(_entry(n))
            latencies.append((time.perf_counter() - began) * 1000)

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(writer() for _ in range(concurrency)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    for engine in (store.engine, store.writer.engine):
        event.remove(engine.sync_engine, "commit", count)
    return {
        "rows/s": rows / wall,
        "p50": statistics.median(latencies),
        "p99": _percentile(latencies, 0.99),
        "cpu": cpu * 1000 / rows,
        "per commit": rows / max(1, len(commits)),
    }


async def _mode(url: str, mode: str, args: argparse.Namespace, folder: Path) -> bool:
    store = create_store(url, spool_dir=folder / "spool")
    pragmas: dict[str, Any] = {"wal_autocheckpoint": args.autocheckpoint}
    if "NORMAL" in mode:
        pragmas["synchronous"] = "NORMAL"
    if store.engine.dialect.name == "sqlite":
        _set(store, pragmas)
    start, ok = 0, True
    try:
        await store.audit.record(_entry(-1))  # open the writer
        for concurrency in args.concurrency:
            result = await _level(store, mode, args.rows, concurrency, start)
            start += args.rows
            print(
                f"{mode:<13} c={concurrency:<4} {result['rows/s']:8.0f} rows/s   "
                f"p50 {result['p50']:6.2f} ms   p99 {result['p99']:7.2f} ms   "
                f"cpu {result['cpu']:5.3f} ms/row   {result['per commit']:6.1f} rows/commit",
                flush=True,
            )
        async with store.engine.connect() as connection:
            stored = await connection.scalar(select(func.count()).select_from(AUDIT))
        written = start + 1
        if stored != written:
            print(f"{mode}: {written} rows written, {stored} in the table", file=sys.stderr)
            ok = False
    finally:
        await store.close()
    return ok


def _fresh_postgres(url: str) -> str:
    """Empty the audit table of the given PostgreSQL database (bench rows only)."""
    from sqlalchemy import create_engine, text

    from supportbot.storage import sync_url

    engine = create_engine(sync_url(url))
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_records WHERE request_id LIKE 'bench-%'"))
    engine.dispose()
    return url


async def main(args: argparse.Namespace) -> int:
    ok = True
    with tempfile.TemporaryDirectory(prefix="supportbot-bench-") as name:
        folder = Path(name)
        modes = ["group FULL", "group NORMAL", "per-row FULL"]
        if args.database_url:
            modes = ["group FULL", "per-row FULL"]
        for number, mode in enumerate(modes):
            if args.database_url:
                upgrade(args.database_url)
                url = _fresh_postgres(args.database_url)
            else:
                url = f"sqlite:///{folder / f'bench-{number}.db'}"
                upgrade(url)
            ok = await _mode(url, mode, args, folder) and ok
    return 0 if ok else 1


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument(
        "--concurrency", type=lambda s: [int(x) for x in s.split(",")], default=[1, 10, 50, 200]
    )
    parser.add_argument("--database-url")
    parser.add_argument("--autocheckpoint", type=int, default=1000)
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(_arguments())))
