"""Throughput and latency under load: does the bot get faster, or slower, as concurrency rises?

    python bench/throughput.py [--seconds 5] [--levels 1,10,50,200] [--database-url URL]
                               [--commands help,merchant]

A closed loop: at each concurrency level, that many workers each send one command, wait for its
answer, and send the next, for `--seconds`. The commands are `/help` (no service call; what the
framework itself costs, durable audit row included) and `/merchant M-10001` (four loopback HTTP
calls). The sample services run on 127.0.0.1 in a process of their own, so the figures are the
bot's alone. For every run it prints commands/s, p50/p99 latency, CPU milliseconds per command
(this process only) and resident memory, and afterwards checks that the audit trail holds exactly
one row per command run (exit 1 if not).

In the same run it measures the physical floor: a 20-line asyncio loop doing one durable SQLite
insert per command (WAL, synchronous=FULL, one fsync each) at the same concurrency, so the bot's
figures read as a ratio to what the disk allows. Everything stays on loopback and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from _common import Result, SampleProcess, closed_loop

from supportbot import Message, Outcome, User
from supportbot.core.settings import ServiceSettings, load_settings
from supportbot.dispatch.bot import Bot, open_bot
from supportbot.storage import create_store, upgrade

AGENT = User(id="bench:agent", name="bench")
COMMANDS = {"help": "/help", "merchant": "/merchant M-10001"}


async def floor(path: Path, concurrency: int, seconds: float) -> Result:
    """The physical floor: one durable SQLite insert per command, one writer, WAL + FULL."""
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    db.executescript(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
        "CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, at REAL, text TEXT);"
    )
    lock = asyncio.Lock()

    def insert() -> None:
        db.execute("INSERT INTO rows (at, text) VALUES (?, ?)", (time.time(), "/help"))

    async def send() -> bool:
        async with lock:  # one writer, as SQLite allows
            await asyncio.to_thread(insert)
        return True

    try:
        return await closed_loop("floor", send, concurrency, seconds)
    finally:
        db.close()


async def run_bot(bot: Bot, name: str, text: str, concurrency: int, seconds: float) -> Result:
    async def send() -> bool:
        reply = await bot.handle(Message(text=text, user=AGENT, adapter="bench"))
        return reply.outcome is Outcome.OK

    return await closed_loop(name, send, concurrency, seconds)


async def count_audit_rows(url: str) -> int:
    store = create_store(url)
    try:
        return await store.audit.count()
    finally:
        await store.close()


async def main(args: argparse.Namespace) -> int:
    logging.disable(logging.CRITICAL)  # the log would measure the terminal, not the bot
    levels = [int(level) for level in args.levels.split(",")]
    names = args.commands
    with tempfile.TemporaryDirectory(prefix="supportbot-bench-") as folder, SampleProcess() as sp:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        await asyncio.to_thread(upgrade, url)
        before = await count_audit_rows(url)
        settings = load_settings(
            None,
            data_dir=folder,
            database_url=url,
            services={name: ServiceSettings(base_url=u) for name, u in sp.urls.items()},
        )
        database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
        print(f"closed loop, {args.seconds:g} s per run, sample services in their own process,")
        print(f"audit on ({database}), levels {levels}; the floor is one durable SQLite insert")
        results: list[Result] = []
        ran = 0
        async with open_bot(settings) as bot:
            for name in names:
                print(f"{COMMANDS[name]}")
                for level in levels:
                    result = await run_bot(bot, name, COMMANDS[name], level, args.seconds)
                    results.append(result)
                    ran += result.runs
                    print(result.line())
        print("floor (a 20-line asyncio loop, one durable SQLite insert per command)")
        floors = {}
        for level in levels:
            floors[level] = await floor(Path(folder) / "floor.db", level, args.seconds)
            print(floors[level].line())
        print("bot as a share of the floor's commands/s")
        for result in results:
            share = result.per_s / floors[result.concurrency].per_s
            print(f"  {result.name:<10} c={result.concurrency:<4} {share:6.2f}x the floor")
        rows = await count_audit_rows(url) - before
    failed = sum(result.failures for result in results)
    print(f"audit rows written: {rows} for {ran} commands run; failed answers: {failed}")
    if rows != ran:
        print(f"LOST: {ran - rows} audit rows", file=sys.stderr)
        return 1
    return 1 if failed else 0


def _commands(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in COMMANDS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"{text!r}: name help or merchant, or both as help,merchant"
        )
    return names


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each run")
    parser.add_argument("--levels", default="1,10,50,200", help="concurrency levels")
    parser.add_argument(
        "--commands",
        default="help,merchant",
        type=_commands,
        help="help, merchant, or help,merchant (the default)",
    )
    parser.add_argument("--database-url", help="e.g. the PostgreSQL of .ci/postgres.sh")
    return parser.parse_args()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
