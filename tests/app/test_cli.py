"""The command line as a user runs it: a real process, real exit codes, real sample services.

Each run is its own process. Most are forks of one that imported the CLI already
(`tests.cli_process`); the first test starts a whole new interpreter, as a user's shell does.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_process import run_supportbot

ROOT = Path(__file__).resolve().parents[2]


def supportbot(
    *args: str,
    tmp_path: Path,
    stdin: str = "",
    new_interpreter: bool = False,
    first_start: bool = False,
    **env: str,
) -> subprocess.CompletedProcess[str]:
    """`supportbot *args` in a child process; `first_start`: on a new data folder, the demo's
    first start really runs (see tests/cli_process.py)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SUPPORTBOT_")}
    environment.update(
        SUPPORTBOT_DATA_DIR=str(tmp_path / "data"),
        SUPPORTBOT_COMMAND_FOLDERS=json.dumps([str(ROOT / "commands")]),
        SUPPORTBOT_CONFIG=str(ROOT / "config" / "supportbot.toml"),
        PYTHONIOENCODING="utf-8",
    )
    environment.update(env)
    if not new_interpreter:
        return run_supportbot(
            args, env=environment, cwd=tmp_path, stdin=stdin, first_start=first_start
        )
    return subprocess.run(
        [sys.executable, "-m", "supportbot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment,
        cwd=tmp_path,
        timeout=60,
    )


def test_exec_demo_merchant_prints_the_card_and_exits_0(tmp_path: Path) -> None:
    result = supportbot(
        "exec", "--demo", "/merchant 0812-3456-7890", tmp_path=tmp_path, new_interpreter=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Toko Sinar Jaya · M-10001")
    assert "Billing" in result.stdout and "Devices" in result.stdout
    # Nothing but the progress of a slow lookup (a loaded machine passes its 0.5 s delay).
    progress = re.compile(r"Looking up .*…|  \S+ (answered|failed) after [0-9.]+ s")
    assert [line for line in result.stderr.splitlines() if not progress.fullmatch(line)] == []


def test_the_first_exec_on_a_new_data_folder_already_sees_the_demo_history(
    tmp_path: Path,
) -> None:
    # The sample month is written before the first command, not beside it (which answered
    # "Nothing on M-10001's timeline yet" and was cancelled half-way when exec ended).
    result = supportbot("exec", "--demo", "/timeline M-10001", tmp_path=tmp_path, first_start=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Timeline of M-10001"), result.stdout
    assert "--older " in result.stdout


def test_exec_json_output_is_the_reply(tmp_path: Path) -> None:
    result = supportbot("exec", "--demo", "--json", "/merchant sinar@example.id", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert reply["title"] == "Toko Sinar Jaya · M-10001" and reply["outcome"] == "ok"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("/merchant 0812", 2),
        ("/merchant", 2),
        ("/nosuchcommand", 2),
        ("/merchant 0813-9999-0000", 1),
        ("/merchant M-99999", 1),
        ("", 2),
        ("/merchant $(reboot); `id` \x1b[2J", 2),
    ],
)
def test_exec_exit_codes(tmp_path: Path, text: str, code: int) -> None:
    result = supportbot("exec", "--demo", text, tmp_path=tmp_path)
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.strip()


def test_usage_error_prints_usage_and_example(tmp_path: Path) -> None:
    result = supportbot("exec", "--demo", "/merchant 0812", tmp_path=tmp_path)
    assert "Usage:   /merchant" in result.stdout and "Example: /merchant" in result.stdout


def test_action_asks_and_does_nothing_without_a_yes(tmp_path: Path) -> None:
    result = supportbot("exec", "--demo", "/resend-receipt TX-1042", tmp_path=tmp_path, stdin="n\n")
    assert "Resend the receipt for TX-1042" in result.stdout
    assert "Cancelled /resend-receipt. Nothing was changed." in result.stdout
    assert result.returncode == 1


def test_action_runs_after_yes(tmp_path: Path) -> None:
    result = supportbot("exec", "--demo", "/resend-receipt TX-1042", tmp_path=tmp_path, stdin="y\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "was resent to r•••@example.id" in result.stdout


def test_every_exec_is_audited_and_exported_as_csv(tmp_path: Path) -> None:
    supportbot("exec", "--demo", "/merchant 0812-3456-7890", tmp_path=tmp_path)
    supportbot("exec", "--demo", "/merchant 0812", tmp_path=tmp_path)
    table = supportbot("audit", tmp_path=tmp_path)
    assert table.returncode == 0, table.stderr
    assert "/merchant" in table.stdout and "rejected" in table.stdout
    exported = supportbot("audit", "--csv", "-", "--outcome", "ok", tmp_path=tmp_path)
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [row["outcome"] for row in rows] == ["ok"]
    assert "3456" not in exported.stdout


def test_audit_rejects_a_bad_since(tmp_path: Path) -> None:
    result = supportbot("audit", "--since", "yesterday-ish", tmp_path=tmp_path)
    assert result.returncode == 2 and "--since" in result.stderr


def test_config_masks_secrets(tmp_path: Path) -> None:
    result = supportbot(
        "config",
        tmp_path=tmp_path,
        SUPPORTBOT_DATABASE_URL="postgresql://bot:pa55word@127.0.0.1:5432/bot",
        SUPPORTBOT_SERVICES__BILLING__AUTH_ENV="BILLING_TOKEN",
        BILLING_TOKEN="tok-123",
    )
    assert result.returncode == 0, result.stderr
    assert "pa55word" not in result.stdout and "tok-123" not in result.stdout
    assert "postgresql://bot:***@127.0.0.1:5432/bot" in result.stdout
    assert "BILLING_TOKEN (set)" in result.stdout


def test_invalid_config_fails_at_start_with_file_key_and_reason(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("command_timeout_s = -1\n")
    result = supportbot("exec", "--demo", "/help", tmp_path=tmp_path, SUPPORTBOT_CONFIG=str(bad))
    assert result.returncode == 2
    assert f"{bad}: command_timeout_s: Input should be greater than 0" in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_plugin_is_reported_and_the_rest_still_work(tmp_path: Path) -> None:
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "broken.py").write_text("x = 1\nundefined_name\n")
    result = supportbot(
        "exec",
        "--demo",
        "/help",
        tmp_path=tmp_path,
        SUPPORTBOT_COMMAND_FOLDERS=json.dumps([str(ROOT / "commands"), str(folder)]),
    )
    assert result.returncode == 0
    assert f"{folder / 'broken.py'}:2" in result.stderr and "NameError" in result.stderr
    assert "/merchant" in result.stdout


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    result = supportbot("db", "upgrade", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "database is at revision" in result.stdout
    assert (tmp_path / "data" / "supportbot.db").exists()


def test_shell_reads_lines_until_exit(tmp_path: Path) -> None:
    result = supportbot(
        "shell",
        "--demo",
        "--as",
        "ani",
        tmp_path=tmp_path,
        stdin="/merchant 0812-3456-7890\n/merchant 0812\nexit\n",
    )
    assert result.returncode == 0, result.stderr
    assert "You are ani" in result.stdout
    assert "Toko Sinar Jaya · M-10001" in result.stdout
    assert "Usage:   /merchant" in result.stdout


def test_a_stopped_sample_service_costs_only_its_section(tmp_path: Path) -> None:
    result = supportbot(
        "exec", "--demo", "--down", "billing", "/merchant M-10001", tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "Devices (2)" in result.stdout and "\nBilling\n" not in result.stdout
    assert "⚠ billing could not be reached" in result.stdout


def test_down_needs_the_demo(tmp_path: Path) -> None:
    result = supportbot("exec", "--down", "billing", "/help", tmp_path=tmp_path)
    assert result.returncode == 2 and "--demo" in result.stderr
