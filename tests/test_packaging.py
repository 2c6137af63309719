"""The package works installed, from any folder: its packages, its bundled commands, its data."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_in_the_tree_is_listed_for_installation() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "supportbot").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found | {"supportbot_commands"} == listed


def test_exec_from_another_folder_uses_the_bundled_commands_and_writes_nothing_there(
    tmp_path: Path,
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SUPPORTBOT_")}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    result = subprocess.run(
        [sys.executable, "-m", "supportbot", "exec", "--demo", "/merchant 0812-3456-7890"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Toko Sinar Jaya" in result.stdout
    assert list(elsewhere.iterdir()) == []  # no ./data, no history, no log here
    assert (tmp_path / "xdg" / "supportbot" / "supportbot.db").is_file()
