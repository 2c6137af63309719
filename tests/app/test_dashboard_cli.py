"""`supportbot dashboard` as a user starts it: a real process on a free port, a real sign-in
over HTTP, stopped with SIGTERM; a token the user set is never printed back."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "cli-test-token-0123456789abcdef"


def _environment(tmp_path: Path, **env: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SUPPORTBOT_")}
    environment.update(
        SUPPORTBOT_DATA_DIR=str(tmp_path / "data"),
        SUPPORTBOT_COMMAND_FOLDERS=json.dumps([str(ROOT / "commands")]),
        SUPPORTBOT_CONFIG=str(ROOT / "config" / "supportbot.toml"),
        PYTHONIOENCODING="utf-8",
        **env,
    )
    return environment


@contextmanager
def dashboard(tmp_path: Path, *args: str, **env: str) -> Iterator[tuple[str, list[str]]]:
    """The dashboard's URL and the lines it printed, while it runs."""
    process = subprocess.Popen(
        [sys.executable, "-m", "supportbot", "dashboard", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=_environment(tmp_path, **env),
        cwd=tmp_path,
    )
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip())
            found = re.search(r"dashboard at (http://\S+)", line)
            if found:
                if "--demo" in args and not env.get("SUPPORTBOT_DASHBOARD_TOKEN"):
                    lines.append(process.stdout.readline().rstrip())  # the made-up token
                yield found.group(1), lines
                break
        else:
            raise AssertionError("no URL in 60 s: " + "\n".join(lines))
    finally:
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=30)
        lines += rest.splitlines()
        assert process.returncode == 0, "\n".join(lines)


def _page(url: str, token: str) -> str:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        assert response.status == 200
        return str(response.read().decode())


def test_the_demo_serves_the_sample_month_behind_the_users_token(tmp_path: Path) -> None:
    with dashboard(tmp_path, "--demo", SUPPORTBOT_DASHBOARD_TOKEN=TOKEN) as (url, lines):
        page = _page(url, TOKEN)
    assert url.startswith("http://127.0.0.1:") and url.endswith("/dashboard/")
    assert re.search(r'data-figure="contacts-week">[1-9]', page)  # the demo's month of contacts
    assert re.search(r'data-figure="runs-week">[1-9]', page)
    assert not any(TOKEN in line for line in lines)  # the user's secret is not printed back
    assert not (tmp_path / "data" / "supportbot.db").exists()  # a throwaway database


def test_without_a_token_the_demo_makes_one_up_and_says_it(tmp_path: Path) -> None:
    with dashboard(tmp_path, "--demo") as (url, lines):
        token = next(line.split("demo token: ")[1] for line in lines if "demo token: " in line)
        page = _page(url, token)
    assert "Support dashboard" in page


def test_without_a_token_and_without_demo_it_says_what_to_set(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "supportbot", "dashboard", "--port", "0"],
        capture_output=True,
        text=True,
        env=_environment(tmp_path),
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode != 0
    assert "SUPPORTBOT_DASHBOARD_TOKEN" in done.stderr and "Traceback" not in done.stderr
