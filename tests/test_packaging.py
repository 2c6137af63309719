"""The package works installed, from any folder: its packages, its bundled commands, its data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from supportbot.core.knowledge_settings import BUNDLED_SNIPPETS

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


@pytest.mark.timeout(300)
def test_a_built_wheel_holds_the_bundled_commands_the_migrations_and_the_demo_snippets(
    tmp_path: Path,
) -> None:
    # What a non-editable `pip install .` gets: everything the package opens by path must be in
    # the wheel, not left behind in the checkout (the demo's snippets once were). Built from a
    # copy: setuptools writes build/ and *.egg-info into the source folder.
    source = tmp_path / "source"
    skip = shutil.ignore_patterns(".*", "build", "*.egg-info", "__pycache__", "data")
    shutil.copytree(ROOT, source, ignore=skip)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["-w", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=280,
        env={**os.environ, "PIP_NO_INDEX": "1"},
    )
    (wheel,) = tmp_path.glob("supportbot-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert BUNDLED_SNIPPETS.relative_to(ROOT).as_posix() in names
    assert "supportbot/py.typed" in names
    versions = ROOT / "supportbot" / "storage" / "migrations" / "versions"
    for migration in versions.glob("0*.py"):
        assert migration.relative_to(ROOT).as_posix() in names
    for command in (ROOT / "commands").glob("*.py"):
        assert f"supportbot_commands/{command.name}" in names
