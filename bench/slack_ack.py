"""How fast Slack gets its acknowledgement, however slow the services are.

    python bench/slack_ack.py [--latency-ms 10000] [--requests 300] [--concurrency 20]

Starts `supportbot serve --demo` in a process of its own, with SUPPORTBOT_DEMO_LATENCY_MS set to
--latency-ms (every sample-service endpoint that slow) and SUPPORTBOT_SLACK_API_URL pointing at a
local fake of Slack's Web API run here. Then posts --requests slash commands signed exactly as
Slack signs them, --concurrency at a time, and prints p50/p99/max of the time to the
acknowledgement (Slack wants it within 3 s), and how many final answers reached their
response_url (every one must). Everything stays on 127.0.0.1 and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from supportbot.slack.testing import FakeSlack, SlackSender, SlackSigner

ROOT = Path(__file__).resolve().parents[1]
SECRET = "8f742231b10e8888abcd99f1a2b3c4d5"
COMMANDS = ("/merchant M-10001", "/merchant 0812-3456-7890", "/transaction TX-1042", "/help")
# `supportbot serve`, registering the Slack commands if the CLI does not have them yet.
SERVE = (
    "from supportbot.app.cli import cli\n"
    "from supportbot.slack._cli import SLACK_COMMANDS\n"
    "for command in SLACK_COMMANDS:\n"
    "    cli.commands.setdefault(command.name, command)\n"
    "cli()\n"
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def wait_ready(base: str, process: asyncio.subprocess.Process) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(600):
            if process.returncode is not None:
                raise SystemExit("supportbot serve exited; see its output above")
            try:
                async with session.get(f"{base}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit("supportbot serve did not become ready in 60 s")


async def run(latency_ms: int, requests: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory(prefix="supportbot-bench-") as folder:
        async with FakeSlack.start() as slack:
            port = free_port()
            env = {
                **os.environ,
                "SLACK_BOT_TOKEN": slack.bot_token,
                "SLACK_SIGNING_SECRET": SECRET,
                "SUPPORTBOT_SLACK_API_URL": slack.api_url,
                "SUPPORTBOT_DEMO_LATENCY_MS": str(latency_ms),
                "SUPPORTBOT_DATA_DIR": folder,
                "SUPPORTBOT_COMMAND_FOLDERS": f'["{ROOT / "commands"}"]',
                # The repository's config (roles the bundled commands name); data in `folder`.
                "SUPPORTBOT_CONFIG": str(ROOT / "config" / "supportbot.toml"),
                "SUPPORTBOT_LOG_LEVEL": "ERROR",
            }
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                SERVE,
                "serve",
                "--demo",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                cwd=folder,
                env=env,
                stdout=asyncio.subprocess.DEVNULL,
            )
            try:
                base = f"http://127.0.0.1:{port}"
                await wait_ready(base, process)
                async with SlackSender(base, SlackSigner(SECRET)) as sender:
                    await measure(slack, sender, latency_ms, requests, concurrency)
            finally:
                if process.returncode is None:
                    process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), 60)


async def measure(
    slack: FakeSlack, sender: SlackSender, latency_ms: int, requests: int, concurrency: int
) -> None:
    # Warm up: the first request opens connections and caches the user.
    warm = slack.new_response_url()
    await sender.command("/help", response_url=warm)
    await slack.wait_for(lambda: bool(slack.responses_to(warm)), timeout=60)
    slack.responses.clear()

    acks: list[float] = []
    urls: list[str] = []
    gate = asyncio.Semaphore(concurrency)

    async def one(number: int) -> None:
        name, _, text = COMMANDS[number % len(COMMANDS)].partition(" ")
        response_url = slack.new_response_url()
        urls.append(response_url)
        async with gate:
            sent = await sender.command(name, text, response_url=response_url)
        assert sent.status == 200, sent
        acks.append(sent.elapsed_s * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(requests)))
    acked = time.perf_counter() - started
    wanted = set(urls)
    await slack.wait_for(lambda: wanted <= {post.url for post in slack.responses}, timeout=300)
    answered = time.perf_counter() - started
    print(
        f"SUPPORTBOT_DEMO_LATENCY_MS={latency_ms}: {requests} signed slash commands to "
        f"`supportbot serve --demo`, {concurrency} at a time"
    )
    print(
        f"  ack:   p50 {percentile(acks, 50):6.1f} ms   p99 {percentile(acks, 99):6.1f} ms"
        f"   max {max(acks):6.1f} ms   mean {statistics.fmean(acks):6.1f} ms"
    )
    print(
        f"  final answers at their response_url: {len(wanted)}/{requests} "
        f"(all acked after {acked:.1f} s, all answered after {answered:.1f} s)"
    )
    print(f"  messages Slack would have refused: {len(slack.problems)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=20)
    options = parser.parse_args()
    asyncio.run(run(options.latency_ms, options.requests, options.concurrency))


if __name__ == "__main__":
    main()
