"""A demo from any folder, without a configuration file: quiet, and with the demo's people."""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

from supportbot.sample import DEMO_ROLES
from tests.cli_process import run_supportbot

ROOT = Path(__file__).resolve().parents[2]


def without_config(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SUPPORTBOT_")}
    environment.update(SUPPORTBOT_DATA_DIR=str(tmp_path / "data"), PYTHONIOENCODING="utf-8")
    assert not (tmp_path / "config").exists()
    return run_supportbot(args, env=environment, cwd=tmp_path)


def test_the_demo_roles_are_the_config_files() -> None:
    config = tomllib.loads((ROOT / "config" / "supportbot.toml").read_text(encoding="utf-8"))
    assert DEMO_ROLES == config["roles"]


def test_a_demo_without_a_config_file_starts_without_warnings(tmp_path: Path) -> None:
    result = without_config("exec", "--demo", "/help", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "/merchant" in result.stdout
    assert result.stderr == ""


def test_a_demo_lead_can_act_as_a_lead_without_a_config_file(tmp_path: Path) -> None:
    result = without_config("exec", "--demo", "--as", "lina", "/approvals", tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No action is waiting for approval" in result.stdout


def test_without_the_demo_a_missing_role_is_one_line(tmp_path: Path) -> None:
    # No services and no roles: the bot says so, once per problem, and still answers /help.
    result = without_config("exec", "/help", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    role_lines = [line for line in lines if "names the role" in line or "name the role" in line]
    assert len(role_lines) == 1 and "'lead'" in role_lines[0]
    assert "/refund" in role_lines[0] and "/reset-pin" in role_lines[0]
