"""A database outage under load: is every command still answered in time, and does every audit
row arrive exactly once when the database is back?

    python bench/outage.py [--database sqlite,postgres] [--seconds 60] [--outage-at 20]
                           [--outage 20] [--concurrency 200] [--command "/help"]

For each database, `--concurrency` workers send `--command` back to back for `--seconds` (a
closed loop, as `throughput.py`). From `--outage-at` seconds, for `--outage` seconds, the database
is unavailable:

- PostgreSQL: a private server of the benchmark's own (initdb into a temporary folder, as the
  fault tests do; the shared test server is never touched) is stopped as a crash would stop it
  (`pg_ctl -m immediate`), then started again;
- SQLite: another connection holds the write lock (`BEGIN EXCLUSIVE`, as a backup tool or a
  forgotten `sqlite3` shell would), then lets go.

It prints, for before, during and after the outage: commands/s, p50, p99 and the slowest answer,
and how many answers were not OK. Then it waits for the bot to replay its spool and checks that
the audit trail holds exactly one row per command run, by request id (exit 1 on any loss or
duplicate). Sample services are not needed: `/help` calls none. Everything stays on loopback and
stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sqlite3
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

from _common import percentile
from sqlalchemy import func, select

from supportbot import Message, Outcome, User
from supportbot.core.settings import load_settings
from supportbot.dispatch.bot import open_bot
from supportbot.storage import AuditRecord, Store, upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.storage.faults import private_postgres  # noqa: E402  (the fault tests' server)

AGENT = User(id="bench:agent", name="bench")


@dataclass
class Phase:
    name: str
    latencies_ms: list[float] = field(default_factory=list)
    not_ok: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        lat = self.latencies_ms or [0.0]
        return (
            f"  {self.name:<7} {len(self.latencies_ms) / max(self.seconds, 1e-9):7.0f}/s"
            f"   p50 {percentile(lat, 50):8.2f} ms   p99 {percentile(lat, 99):8.2f} ms"
            f"   max {max(lat):8.1f} ms   not OK {self.not_ok}"
        )


@contextlib.asynccontextmanager
async def outage_for(
    database: str, folder: Path
) -> AsyncIterator[tuple[str, Callable[[], None], Callable[[], None]]]:
    """The database's URL and two callables: start the outage, end it."""
    if database == "sqlite":
        path = folder / "outage.db"
        url = f"sqlite:///{path}"
        await asyncio.to_thread(upgrade, url)
        holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)

        def begin() -> None:
            holder.execute("BEGIN EXCLUSIVE")

        def end() -> None:
            holder.execute("ROLLBACK")

        try:
            yield url, begin, end
        finally:
            holder.close()
        return
    with private_postgres() as server:
        url = server.new_database()
        await asyncio.to_thread(upgrade, url)
        yield url, server.stop, server.start


async def count_rows(store: Store) -> tuple[int, int]:
    """(rows, distinct request ids) in the audit trail."""
    table = AuditRecord.__table__
    async with store.engine.connect() as connection:
        rows = (await connection.execute(select(func.count()).select_from(table))).scalar_one()
        distinct = (
            await connection.execute(select(func.count(func.distinct(table.c.request_id))))
        ).scalar_one()
    return int(rows), int(distinct)


async def run(database: str, args: argparse.Namespace) -> bool:
    with tempfile.TemporaryDirectory(prefix="supportbot-outage-") as name:
        folder = Path(name)
        async with outage_for(database, folder) as (url, begin, end):
            settings = load_settings(None, data_dir=str(folder / "data"), database_url=url)
            phases = {name: Phase(name) for name in ("before", "during", "after")}
            start = time.perf_counter()
            outage_from, outage_to = args.outage_at, args.outage_at + args.outage
            stop_at = start + args.seconds
            ran = 0

            def phase_at(now: float) -> Phase:
                offset = now - start
                if offset < outage_from:
                    return phases["before"]
                return phases["during"] if offset < outage_to else phases["after"]

            async with open_bot(settings) as bot:

                async def worker() -> None:
                    nonlocal ran
                    while (began := time.perf_counter()) < stop_at:
                        reply = await bot.handle(
                            Message(text=args.command, user=AGENT, adapter="bench")
                        )
                        phase = phase_at(began)
                        phase.latencies_ms.append((time.perf_counter() - began) * 1000)
                        phase.not_ok += reply.outcome is not Outcome.OK
                        ran += 1

                async def database_goes_away() -> None:
                    await asyncio.sleep(outage_from)
                    await asyncio.to_thread(begin)
                    await asyncio.sleep(args.outage)
                    await asyncio.to_thread(end)

                await asyncio.gather(
                    database_goes_away(), *(worker() for _ in range(args.concurrency))
                )
                phases["before"].seconds = outage_from
                phases["during"].seconds = args.outage
                phases["after"].seconds = max(0.0, args.seconds - outage_to)
                print(
                    f"{database}: {args.command} at c={args.concurrency} for {args.seconds:g} s,"
                    f" database unavailable from {outage_from:g} s for {args.outage:g} s"
                )
                for phase in phases.values():
                    print(phase.line())
                store = bot.store
                assert store is not None
                waited = time.perf_counter()
                while not (store.health().ok and store.health().spooled == 0):
                    if time.perf_counter() - waited > 120:
                        print(f"  still degraded after 120 s: {store.health().sentence()}")
                        return False
                    await asyncio.sleep(0.1)
                replay_s = time.perf_counter() - waited
                print(f"  spool replayed {replay_s:.1f} s after the last command")
                rows, distinct = await count_rows(store)
    return report(ran, rows, distinct)


def report(ran: int, rows: int, distinct: int) -> bool:
    print(f"  audit rows: {rows} ({distinct} distinct request ids) for {ran} commands run")
    if rows != ran or distinct != rows:
        print(f"  LOST {ran - distinct}, DUPLICATED {rows - distinct}", file=sys.stderr)
        return False
    return True


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="sqlite,postgres")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--outage-at", type=float, default=20.0)
    parser.add_argument("--outage", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--command", default="/help")
    return parser.parse_args()


async def main(args: argparse.Namespace) -> int:
    logging.disable(logging.CRITICAL)  # the log would measure the terminal, not the bot
    ok = True
    for database in args.database.split(","):
        ok = await run(database.strip(), args) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
