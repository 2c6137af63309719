"""`supportbot run` / `serve` fail early on bad credentials; both run end to end (with the app's
host: sample services, `--metrics-port`) and stop; the old `SUPPORTBOT_SLACK_*` keys still work."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from click.testing import CliRunner

from supportbot.slack._cli import run, serve
from supportbot.slack.testing import FakeSlack, SlackSender, SlackSigner, slash_command

from .conftest import COMMANDS, SIGNING_SECRET, Host

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config" / "supportbot.toml"
# The real command line: Slack's subcommands come from its registration hook.
SCRIPT = "from supportbot.app.cli import main\nmain()\n"


@pytest.mark.parametrize(
    ("command", "environment", "named"),
    [
        (run, {}, "SLACK_BOT_TOKEN"),
        (run, {"SLACK_BOT_TOKEN": "xoxb-1-2-abc"}, "SLACK_APP_TOKEN"),
        (run, {"SLACK_BOT_TOKEN": "xoxp-user", "SLACK_APP_TOKEN": "xapp-1-a"}, "SLACK_BOT_TOKEN"),
        (serve, {"SLACK_BOT_TOKEN": "xoxb-1-2-abc"}, "SLACK_SIGNING_SECRET"),
        (
            serve,
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "nope"},
            "SLACK_SIGNING_SECRET",
        ),
    ],
)
def test_missing_or_malformed_credentials_exit_2_naming_the_variable(
    command: object, environment: dict[str, str], named: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    result = CliRunner().invoke(command, [], obj=Host())  # type: ignore[arg-type]
    assert result.exit_code == 2, result.output
    assert named in result.output and "api.slack.com/apps" in result.output


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_serve_demo_answers_a_signed_command_serves_metrics_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    metrics_port = free_port()
    async with FakeSlack.start() as slack:
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": slack.bot_token,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SUPPORTBOT_SLACK__API_URL": slack.api_url,
            "SUPPORTBOT_DATA_DIR": str(tmp_path),
            "SUPPORTBOT_COMMAND_FOLDERS": f'["{COMMANDS}"]',
            "SUPPORTBOT_BUNDLED_COMMANDS": "false",  # this checkout's commands, not the installed
            # The checkout's configuration (its roles); run from elsewhere, as a deployment is.
            "SUPPORTBOT_CONFIG": str(CONFIG),
            "PYTHONPATH": str(ROOT),
        }
        process, port = await start_listening(
            "serve", "--port", env, tmp_path, "--metrics-port", str(metrics_port)
        )
        try:
            base = f"http://127.0.0.1:{port}"
            async with SlackSender(base, SlackSigner(SIGNING_SECRET)) as sender:
                url = slack.new_response_url()
                sent = await sender.command("/merchant", "M-10001", response_url=url)
                assert sent.status == 200 and sent.elapsed_s < 3
                await slack.wait_for(lambda: bool(slack.responses_to(url)), timeout=20)
            assert "Toko Sinar Jaya" in str(slack.responses_to(url)[0].body)
            # --metrics-port: Prometheus on a port of its own, as in the terminal.
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{metrics_port}/metrics") as metrics:
                    assert metrics.status == 200
                    assert 'supportbot_commands_total{command="merchant"' in await metrics.text()
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0, stderr.decode()
        assert "Connected to Slack as @supportbot in Fake Team (HTTP mode)" in stdout.decode()


class PortTaken(Exception):
    """The free port found was taken by someone else before the bot could bind it."""


async def start_listening(
    command: str, port_option: str, env: dict[str, str], cwd: Path, *options: str
) -> tuple[asyncio.subprocess.Process, int]:
    """Start `supportbot COMMAND --demo` on a free port and wait until it is ready. A port can
    be taken between finding it and binding it (other tests run too): then try another."""
    for _ in range(3):
        port = free_port()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            SCRIPT,
            command,
            "--demo",
            "--host",
            "127.0.0.1",
            port_option,
            str(port),
            *options,
            cwd=cwd,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await wait_until_ready(f"http://127.0.0.1:{port}", process)
        except PortTaken:
            continue
        return process, port
    raise AssertionError("three free ports in a row were taken before the bot could bind them")


async def wait_until_ready(base: str, process: asyncio.subprocess.Process) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            if process.returncode is not None:
                _, stderr = await process.communicate()
                if b"cannot listen" in stderr:
                    raise PortTaken(stderr.decode())
                raise AssertionError(f"supportbot exited early: {stderr.decode()}")
            try:
                async with session.get(f"{base}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("supportbot serve did not become ready")


async def test_run_demo_connects_over_socket_mode_answers_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    async with FakeSlack.start() as slack:
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": slack.bot_token,
            "SLACK_APP_TOKEN": slack.app_token,
            # The name of the release before: still read, with a deprecation line in the log.
            "SUPPORTBOT_SLACK_API_URL": slack.api_url,
            "SUPPORTBOT_DATA_DIR": str(tmp_path),
            "SUPPORTBOT_COMMAND_FOLDERS": f'["{COMMANDS}"]',
            "SUPPORTBOT_BUNDLED_COMMANDS": "false",  # this checkout's commands, not the installed
            # The checkout's configuration (its roles); run from elsewhere, as a deployment is.
            "SUPPORTBOT_CONFIG": str(CONFIG),
            "PYTHONPATH": str(ROOT),
        }
        process, port = await start_listening("run", "--health-port", env, tmp_path)
        try:
            url = slack.new_response_url()
            envelope = await slack.send_envelope(
                "slash_commands", slash_command("/transaction", "TX-1042", response_url=url)
            )
            ack = await slack.wait_for_ack(envelope)
            assert ack.payload and ack.payload["text"] == "Looking up /transaction TX-1042…"
            await slack.wait_for(lambda: bool(slack.responses_to(url)), timeout=20)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
            stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
        assert process.returncode == 0, stderr.decode()
        assert "(Socket Mode)" in stdout.decode()
        assert slack.open_sockets == 0
    log = (tmp_path / "supportbot.log").read_text(encoding="utf-8")
    assert log.count("SUPPORTBOT_SLACK_API_URL is deprecated: use SUPPORTBOT_SLACK__API_URL") == 1


def test_the_command_line_gets_slack_without_importing_slack_bolt() -> None:
    code = (
        "import sys\n"
        "from supportbot.app.cli import cli\n"
        "import click\n"
        "names = set(cli.list_commands(click.Context(cli)))\n"
        "assert {'run', 'serve', 'manifest'} <= names, sorted(names)\n"
        "print(sorted(m for m in ('slack_bolt', 'slack_sdk', 'aiohttp') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
