"""What the benchmarks share: the sample services in a process of their own, a closed loop of
commands and its result line, memory, percentiles."""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from supportbot.sample import run_sample_services


def _serve_samples(conn: Connection, latency_ms: int) -> None:
    """The child process: the sample services, obeying ("set_failure", service, mode) messages."""

    async def serve() -> None:
        async with run_sample_services(latency_ms=latency_ms) as sample:
            conn.send(sample.urls)
            loop = asyncio.get_running_loop()
            while (message := await loop.run_in_executor(None, conn.recv)) is not None:
                _, service, mode = message
                if mode == "stop":
                    await sample.stop_service(service)
                else:
                    sample.set_failure(service, mode)
                conn.send("done")

    asyncio.run(serve())


class SampleProcess:
    """The sample services in a child process on 127.0.0.1, controlled over a pipe."""

    def __init__(self, latency_ms: int = 0) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve_samples, args=(child, latency_ms), daemon=True
        )
        self.urls: dict[str, str] = {}

    def __enter__(self) -> SampleProcess:
        self._process.start()
        self.urls = self._conn.recv()
        return self

    def control(self, service: str, mode: str) -> None:
        self._conn.send(("set_failure", service, mode))
        self._conn.recv()

    def __exit__(self, *exc_info: Any) -> None:
        self._conn.send(None)
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.terminate()


def rss_mib() -> float:
    """The resident memory of this process now (Linux), else the peak so far."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of `values`."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class Result:
    name: str
    concurrency: int
    runs: int
    wall_s: float
    cpu_s: float
    latencies_ms: list[float]
    failures: int

    @property
    def per_s(self) -> float:
        return self.runs / self.wall_s

    def line(self) -> str:
        lat = self.latencies_ms
        return (
            f"  {self.name:<10} c={self.concurrency:<4} {self.per_s:8.0f}/s"
            f"   p50 {percentile(lat, 50):7.2f} ms   p99 {percentile(lat, 99):8.2f} ms"
            f"   cpu {1000 * self.cpu_s / self.runs:5.2f} ms/cmd   rss {rss_mib():4.0f} MiB"
            + (f"   FAILED {self.failures}" if self.failures else "")
        )


async def closed_loop(
    name: str, send: Callable[[], Awaitable[bool]], concurrency: int, seconds: float
) -> Result:
    """`concurrency` workers calling `send()` back to back until `seconds` have passed."""
    latencies: list[float] = []
    failures = 0
    stop_at = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal failures
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            ok = await send()
            latencies.append((time.perf_counter() - started) * 1000)
            failures += 0 if ok else 1

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return Result(
        name,
        concurrency,
        len(latencies),
        time.perf_counter() - wall,
        time.process_time() - cpu,
        latencies,
        failures,
    )
