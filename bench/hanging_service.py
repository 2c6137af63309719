"""One service hangs while the others answer: does the bot stay useful, and fast where it can?

    python bench/hanging_service.py [--commands 200] [--deadline 10] [--timeout 3]
                                    [--no-breaker] [--no-store]

The sample services run on 127.0.0.1 in a process of their own, as real services would, so
their work does not compete with the bot's for the interpreter. Three rounds, each of
`--commands` concurrent commands of two kinds:

1. healthy: `--commands` /merchant lookups by id (merchants, billing, devices, transactions)
   and as many /transaction lookups (merchants and transactions; never billing), all at once;
2. billing hangs (accepts connections, never answers): the same mix;
3. billing still hangs, its breaker now open: the same mix again.

It checks that every /merchant of rounds 2 and 3 finished within the command deadline with its
merchant, devices and transactions sections complete and billing named in a warning, and that
/transaction, which does not use billing, was not slowed down (p99 within 250 ms of round 1's).
It prints p50/p99/max latency, resident memory and the peak of Python allocations in one round
(tracemalloc, in a round of its own), and exits 1 if a check failed. Everything stays on
loopback and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path

from _common import SampleProcess, percentile, rss_mib

from supportbot import Message, Outcome, Reply, User
from supportbot.core.plugins import load_plugins
from supportbot.core.settings import ServiceSettings, load_settings
from supportbot.dispatch.bot import Bot, open_bot
from supportbot.sample import sample_data

ROOT = Path(__file__).resolve().parents[1]
AGENT = User(id="bench:agent", name="bench")
COMPLETE = ("Merchant", "Devices", "Recent transactions")
SLOWDOWN_ALLOWED_MS = 250.0


@dataclass
class Round:
    name: str
    latencies: dict[str, list[float]] = field(default_factory=dict)
    replies: dict[str, list[Reply]] = field(default_factory=dict)
    wall_s: float = 0.0

    def add(self, kind: str, ms: float, reply: Reply) -> None:
        self.latencies.setdefault(kind, []).append(ms)
        self.replies.setdefault(kind, []).append(reply)

    def line(self, kind: str) -> str:
        values = self.latencies.get(kind, [])
        if not values:
            return f"  {kind:<12} (none)"
        return (
            f"  {kind:<12} n={len(values):<4} p50 {percentile(values, 50):8.1f} ms"
            f"   p99 {percentile(values, 99):8.1f} ms   max {max(values):8.1f} ms"
        )


async def timed(bot: Bot, text: str, kind: str, into: Round) -> None:
    started = time.perf_counter()
    reply = await bot.handle(Message(text=text, user=AGENT, adapter="bench"))
    into.add(kind, (time.perf_counter() - started) * 1000, reply)


async def run_round(bot: Bot, name: str, texts: list[tuple[str, str]]) -> Round:
    result = Round(name)
    started = time.perf_counter()
    await asyncio.gather(*(timed(bot, text, kind, result) for kind, text in texts))
    result.wall_s = time.perf_counter() - started
    return result


def check_complete(round_: Round) -> list[str]:
    bad = [r for replies in round_.replies.values() for r in replies if r.warnings]
    return [f"{len(bad)} commands had warnings: {bad[0].warnings[0].text}"] if bad else []


def check_merchants(round_: Round, deadline_s: float) -> list[str]:
    problems = []
    for ms, reply in zip(round_.latencies["/merchant"], round_.replies["/merchant"], strict=True):
        titles = [s.title or "" for s in reply.sections]
        missing = [want for want in COMPLETE if not any(t.startswith(want) for t in titles)]
        if ms > deadline_s * 1000:
            problems.append(f"/merchant took {ms:.0f} ms, past the {deadline_s} s deadline")
        if reply.outcome is not Outcome.OK:
            problems.append(f"/merchant outcome {reply.outcome.value}: {reply.text}")
        if missing:
            problems.append(f"/merchant is missing {missing}")
        if [w.service for w in reply.warnings] != ["billing"]:
            problems.append(f"/merchant warnings {[w.text for w in reply.warnings]}")
    return problems[:10]


async def main(args: argparse.Namespace) -> int:
    # Failed calls are expected here by the hundred; the summary below says what matters.
    logging.getLogger("supportbot").setLevel(logging.CRITICAL)
    data = sample_data()
    merchant_ids = list(data.merchants)
    tx_ids = [tx for tx, record in data.transactions.items() if record["merchant_id"]]
    n = args.commands
    merchants = [
        ("/merchant", f"/merchant {merchant_ids[i % len(merchant_ids)]}") for i in range(n)
    ]
    transactions = [("/transaction", f"/transaction {tx_ids[i % len(tx_ids)]}") for i in range(n)]

    with (
        tempfile.TemporaryDirectory(prefix="supportbot-bench-") as folder,
        SampleProcess() as sample,
    ):
        services = {
            name: ServiceSettings(base_url=url, timeout_s=args.timeout, breaker=not args.no_breaker)
            for name, url in sample.urls.items()
        }
        settings = load_settings(
            None,
            data_dir=folder,
            database_url=f"sqlite:///{Path(folder) / 'bench.db'}",
            command_timeout_s=args.deadline,
        ).model_copy(update={"services": services})
        registry = load_plugins([ROOT / "commands"], entry_points=False).registry
        async with open_bot(settings, registry=registry, with_store=not args.no_store) as bot:
            # Warm up: connections, caches, the database file.
            await run_round(bot, "warm-up", transactions[:20] + merchants[:20])

            baseline = await run_round(bot, "healthy", merchants + transactions)
            rss_before = rss_mib()
            sample.control("billing", "hang")
            hanging = await run_round(bot, "billing hangs", merchants + transactions)
            open_round = await run_round(bot, "breaker open", merchants + transactions)
            breaker = bot.services.billing.guard.breaker_state.value
            rss_after = rss_mib()
            # Allocations are traced in a round of their own: tracing slows Python down a lot.
            tracemalloc.start()
            await run_round(bot, "traced", merchants + transactions)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            sample.control("billing", "stop")  # drops the requests it holds

    print(
        f"{n} concurrent commands a kind; command deadline {args.deadline} s, service timeout "
        f"{args.timeout} s, billing breaker {'off' if args.no_breaker else 'on'}, "
        f"audit {'off' if args.no_store else 'on (SQLite)'}"
    )
    for round_ in (baseline, hanging, open_round):
        print(f"{round_.name} (wall {round_.wall_s:.2f} s)")
        for kind in ("/merchant", "/transaction"):
            if kind in round_.latencies:
                print(round_.line(kind))
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"memory: RSS {rss_before:.0f} MiB before the hang, {rss_after:.0f} MiB after both rounds "
        f"(peak {rss_peak:.0f} MiB); peak Python allocations during one round "
        f"{peak / 2**20:.1f} MiB"
    )
    print(f"billing breaker at the end: {breaker}")

    problems = check_merchants(hanging, args.deadline) + check_merchants(open_round, args.deadline)
    problems += [f"healthy round: {p}" for p in check_complete(baseline)]
    base_p99 = percentile(baseline.latencies["/transaction"], 99)
    for round_ in (hanging, open_round):
        p99 = percentile(round_.latencies["/transaction"], 99)
        if p99 > base_p99 + SLOWDOWN_ALLOWED_MS:
            problems.append(
                f"/transaction p99 {p99:.0f} ms in '{round_.name}' vs {base_p99:.0f} ms baseline"
            )
        not_ok = [r for r in round_.replies["/transaction"] if r.outcome is not Outcome.OK]
        if not_ok:
            problems.append(f"{len(not_ok)} /transaction failed in '{round_.name}'")
    median_open = statistics.median(open_round.latencies["/merchant"])
    print(f"/merchant median once the breaker is open: {median_open:.1f} ms")
    if problems:
        print("FAILED:")
        for problem in problems:
            print(f"  {problem}")
        return 1
    print(
        "OK: every /merchant finished within the deadline with its other sections complete; "
        "/transaction was not slowed down"
    )
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--deadline", type=float, default=10.0, help="command_timeout_s")
    parser.add_argument("--timeout", type=float, default=3.0, help="billing's timeout_s")
    parser.add_argument("--no-breaker", action="store_true", help="switch billing's breaker off")
    parser.add_argument(
        "--no-store", action="store_true", help="no database: leave the audit write out"
    )
    sys.exit(asyncio.run(main(parser.parse_args())))
