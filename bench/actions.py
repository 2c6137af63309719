"""What the safety belt of an action costs, and that a burst of confirms still runs it once.

    python bench/actions.py [--runs 200] [--burst 50] [--database-url URL]

Against the sample services on 127.0.0.1 and a throwaway SQLite file (or `--database-url`, e.g.
the PostgreSQL of `. .ci/postgres.sh`, on a fresh schema you own):

1. `--runs` times `/transaction TX-1042` (a lookup: one audit write) for a baseline;
2. `--runs` times `/resend-receipt TX-1042`: the question (preview call, question stored) and
   the confirmed run (question taken, intent claimed, the resend, outcome written, audit);
3. `--burst` confirms of one question at the same moment: exactly one resend must reach the
   receipts service; the others are answered "already done" / "being carried out".

It prints p50/p99 of each step and the overhead of an action over a lookup, and exits 1 when the
burst resent more than once. Traffic stays on loopback; it stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from supportbot import Message, Outcome, User
from supportbot.core.settings import ServiceSettings, load_settings
from supportbot.dispatch.bot import open_bot
from supportbot.sample import run_sample_services
from supportbot.storage import upgrade

ROOT = Path(__file__).resolve().parents[1]
AGENT = User(id="bench:agent", name="bench")


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered):7.2f} ms   p99 {p99:7.2f} ms"


async def _timed(coro) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    result = await coro
    return (time.perf_counter() - began) * 1000, result


async def run(runs: int, burst: int, database_url: str | None) -> int:
    with tempfile.TemporaryDirectory(prefix="supportbot-bench-") as folder:
        url = database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        if not url.startswith("sqlite"):
            upgrade(url)
        async with run_sample_services() as sample:
            settings = load_settings(
                None,
                data_dir=folder,
                database_url=url,
                services={n: ServiceSettings(base_url=u) for n, u in sample.urls.items()},
                command_folders=[str(ROOT / "commands")],
                load_entry_points=False,
                rate_limits={"resend-receipt": "off"},
            )
            async with open_bot(settings) as bot:

                async def say(text: str) -> object:
                    return await bot.handle(Message(text=text, user=AGENT))

                lookups, asks, confirms = [], [], []
                for _ in range(runs):
                    took, _ = await _timed(say("/transaction TX-1042"))
                    lookups.append(took)
                for _ in range(runs):
                    took, asked = await _timed(say("/resend-receipt TX-1042"))
                    asks.append(took)
                    assert asked.confirmation is not None  # type: ignore[attr-defined]
                    token = asked.confirmation.token  # type: ignore[attr-defined]
                    took, done = await _timed(bot.actions.confirm(token, AGENT))
                    assert done.outcome is Outcome.OK, done.text  # type: ignore[attr-defined]
                    confirms.append(took)
                resent_before = len(sample.resends("TX-1042"))
                asked = await say("/resend-receipt TX-1042")
                token = asked.confirmation.token  # type: ignore[attr-defined]
                began = time.perf_counter()
                answers = await asyncio.gather(
                    *(bot.actions.confirm(token, AGENT) for _ in range(burst))
                )
                burst_ms = (time.perf_counter() - began) * 1000
                resent = len(sample.resends("TX-1042")) - resent_before
    kind = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    print(f"{runs} runs each, sample services and {kind} on this machine")
    print(f"  lookup /transaction              {_percentiles(lookups)}")
    print(f"  action question (preview, store) {_percentiles(asks)}")
    print(f"  action confirmed run (once)      {_percentiles(confirms)}")
    overhead = statistics.median(asks) + statistics.median(confirms) - statistics.median(lookups)
    print(f"  an action's two steps cost {overhead:.1f} ms more than one lookup (medians)")
    ran = sum("was resent" in (a.text or "") and "Already" not in (a.text or "") for a in answers)
    print(
        f"burst: {burst} confirms of one question at once in {burst_ms:.0f} ms: "
        f"{resent} resend reached the receipts service, {ran} answer said it ran"
    )
    if resent != 1:
        print("FAIL: the burst did not resend exactly once", file=sys.stderr)
        return 1
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--burst", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    sys.exit(asyncio.run(run(args.runs, args.burst, args.database_url)))


if __name__ == "__main__":
    main()
