"""How much a lookup costs, and what the fan-out saves.

    python bench/lookup_latency.py [--latency-ms 300] [--runs 15] [--overhead-runs 300]

Runs the bundled /merchant command against the sample services on 127.0.0.1 with the services'
artificial latency at 0 and at --latency-ms, and prints how many service latencies a lookup
costs: a lookup by merchant id should cost one (every service asked at once), a lookup by phone
two (resolve the merchant, then every other service at once), never one per service. Then the
per-command overhead of the framework itself (parse, validate, dispatch, audit write to SQLite,
render), as p50/p99 over many runs of /help (no service call) and /merchant at zero latency.
Everything stays on loopback and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

from supportbot.core.render import render_text
from supportbot.testing import BotTester

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def timed(bot: BotTester, text: str, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        reply = await bot.run(text)
        render_text(reply)
        samples.append((time.perf_counter() - started) * 1000)
        assert reply.outcome.value == "ok", (text, reply.text)
    return samples


async def main(latency_ms: int, runs: int, overhead_runs: int) -> None:
    async with BotTester.demo(commands=[ROOT / "commands"]) as bot:
        await timed(bot, "/merchant M-10001", 5)  # warm up connections and caches
        print(f"fan-out, median of {runs} runs each, sample-service latency 0 vs {latency_ms} ms")
        for text, expected in (("/merchant M-10001", 1), ("/merchant 0812-3456-7890", 2)):
            bot.sample.set_latency(0)
            fast = statistics.median(await timed(bot, text, runs))
            bot.sample.set_latency(latency_ms)
            slow = statistics.median(await timed(bot, text, runs))
            cost = (slow - fast) / latency_ms
            print(
                f"  {text:<28} {fast:7.1f} ms -> {slow:7.1f} ms: "
                f"{cost:.2f} service latencies (design: {expected}; one per service would be 4)"
            )
        bot.sample.set_latency(0)
        print(f"per-command overhead, {overhead_runs} runs each, latency 0")
        for text in ("/help", "/merchant M-10001", "/merchant 0812"):
            samples = []
            for _ in range(overhead_runs):
                started = time.perf_counter()
                render_text(await bot.run(text))
                samples.append((time.perf_counter() - started) * 1000)
            print(
                f"  {text:<28} p50 {percentile(samples, 50):6.2f} ms"
                f"   p99 {percentile(samples, 99):6.2f} ms   max {max(samples):6.2f} ms"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=300)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--overhead-runs", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(main(args.latency_ms, args.runs, args.overhead_runs))
