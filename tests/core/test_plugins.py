"""Plugin loading from folders and entry points: broken ones reported, duplicates stop start."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import pytest

from supportbot import DuplicateCommandError
from supportbot.core.plugins import load_plugins
from tests.cli_process import run_supportbot

PING = """
from supportbot import Context, command

@command("ping", help="Answers pong")
async def ping(ctx: Context) -> str:
    return "pong"
"""


def plugin(folder: Path, name: str, source: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path


def test_every_command_in_a_folder_is_registered(tmp_path: Path) -> None:
    plugin(tmp_path, "ping.py", PING)
    plugin(tmp_path, "two.py", PING.replace('"ping"', '"pong"').replace("def ping", "def pong"))
    report = load_plugins([tmp_path], entry_points=False)
    assert [spec.name for spec in report.registry] == ["ping", "pong"]
    assert report.failures == []


COUNTED = """
import builtins
from supportbot import Context, command

builtins.supportbot_test_imports = getattr(builtins, "supportbot_test_imports", 0) + 1

@command("counted", help="Says how often this file ran")
async def counted(ctx: Context) -> str:
    return "VERSION"
"""


def test_a_file_is_run_once_until_its_bytes_change(tmp_path: Path) -> None:
    import builtins

    builtins.supportbot_test_imports = 0  # type: ignore[attr-defined]
    path = plugin(tmp_path, "counted.py", COUNTED.replace("VERSION", "one"))
    first = load_plugins([tmp_path], entry_points=False).registry
    again = load_plugins([tmp_path], entry_points=False).registry
    assert builtins.supportbot_test_imports == 1  # type: ignore[attr-defined]
    assert first.get("counted") is again.get("counted")
    stat = path.stat()
    path.write_text(textwrap.dedent(COUNTED.replace("VERSION", "two")), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same time and size: new bytes
    edited = load_plugins([tmp_path], entry_points=False).registry
    assert builtins.supportbot_test_imports == 2  # type: ignore[attr-defined]
    assert edited.get("counted") is not first.get("counted")
    del builtins.supportbot_test_imports  # type: ignore[attr-defined]


def test_private_files_are_not_plugins(tmp_path: Path) -> None:
    plugin(tmp_path, "_shared.py", PING)
    assert len(load_plugins([tmp_path], entry_points=False).registry) == 0


def test_a_broken_plugin_is_reported_with_file_and_line_and_others_still_load(
    tmp_path: Path,
) -> None:
    plugin(tmp_path, "ping.py", PING)
    broken = plugin(tmp_path, "broken.py", "import os\n\nraise RuntimeError('boom')\n")
    syntax = plugin(tmp_path, "syntax.py", "def oops(:\n")
    report = load_plugins([tmp_path], entry_points=False)
    assert [spec.name for spec in report.registry] == ["ping"]
    failures = {Path(f.source).name: f for f in report.failures}
    assert failures["broken.py"].line == 3
    assert "RuntimeError: boom" in failures["broken.py"].reason
    assert str(broken.resolve()) in str(failures["broken.py"])
    assert failures["syntax.py"].line == 1
    assert "syntax error" in str(failures["syntax.py"])
    assert str(syntax.resolve()) in str(failures["syntax.py"])


def test_two_commands_with_one_name_name_both_files(tmp_path: Path) -> None:
    first = plugin(tmp_path / "a", "ping.py", PING)
    second = plugin(tmp_path / "b", "ping.py", PING)
    with pytest.raises(DuplicateCommandError) as caught:
        load_plugins([tmp_path / "a", tmp_path / "b"], entry_points=False)
    assert str(first.resolve()) in str(caught.value)
    assert str(second.resolve()) in str(caught.value)


def test_an_alias_may_not_shadow_another_command(tmp_path: Path) -> None:
    plugin(tmp_path, "ping.py", PING)
    plugin(
        tmp_path,
        "other.py",
        PING.replace('"ping", help', '"other", aliases=("ping",), help').replace(
            "def ping", "def other"
        ),
    )
    with pytest.raises(DuplicateCommandError, match="/ping"):
        load_plugins([tmp_path], entry_points=False)


def test_a_missing_folder_is_reported_as_an_absolute_path_and_others_still_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugin(tmp_path / "real", "ping.py", PING)
    monkeypatch.chdir(tmp_path)  # as when the bot is started outside the checkout
    report = load_plugins([Path("commands"), tmp_path / "real"], entry_points=False)
    assert [spec.name for spec in report.registry] == ["ping"]
    [failure] = report.failures
    assert failure.source == str(tmp_path.resolve() / "commands")
    assert failure.line is None
    assert "does not exist" in failure.reason
    assert "relative to where the bot starts" in failure.reason
    assert str(tmp_path.resolve()) in failure.reason
    assert str(failure).startswith(f"{tmp_path.resolve() / 'commands'}: command folder")


def test_a_file_given_as_a_command_folder_is_reported(tmp_path: Path) -> None:
    not_a_folder = plugin(tmp_path, "ping.py", PING)
    [failure] = load_plugins([not_a_folder], entry_points=False).failures
    assert failure.source == str(not_a_folder.resolve())
    assert "is a file, not a folder" in failure.reason


@pytest.mark.parametrize("name", ["commänds ☕", "x" * 200, "-rf *; echo", "../../nope"])
def test_odd_missing_folder_names_are_reported_as_written(tmp_path: Path, name: str) -> None:
    [failure] = load_plugins([tmp_path / name], entry_points=False).failures
    assert failure.source == str((tmp_path / name).resolve())


def test_the_cli_prints_a_missing_command_folder(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SUPPORTBOT_")}
    environment.update(
        SUPPORTBOT_DATA_DIR=str(tmp_path / "data"),
        SUPPORTBOT_COMMAND_FOLDERS=json.dumps(["commands"]),
        SUPPORTBOT_LOAD_ENTRY_POINTS="false",
        PYTHONIOENCODING="utf-8",
    )
    result = run_supportbot(
        ["exec", "--demo", "/merchant M-10001"],
        env=environment,
        cwd=tmp_path,  # not the checkout: there is no ./commands here
    )
    assert f"plugin not loaded: {tmp_path.resolve() / 'commands'}: command folder" in result.stderr
    assert "relative to where the bot starts" in result.stderr


def test_imported_commands_are_not_registered_twice(tmp_path: Path) -> None:
    plugin(tmp_path, "ping.py", PING)
    plugin(tmp_path, "reuse.py", "from supportbot import Reply\n")
    report = load_plugins([tmp_path], entry_points=False)
    assert [spec.name for spec in report.registry] == ["ping"]


@pytest.fixture
def installed_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A package installed as pip installs one: a module and a .dist-info with entry points."""
    site = tmp_path / "site"
    plugin(site, "teamcmds.py", PING.replace('"ping"', '"team-ping"'))
    info = site / "teamcmds-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: teamcmds\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[supportbot.commands]\nteam = teamcmds\n")
    monkeypatch.syspath_prepend(str(site))
    yield site
    sys.modules.pop("teamcmds", None)


def test_commands_from_installed_packages_entry_points(installed_package: Path) -> None:
    report = load_plugins([], entry_points=True)
    assert "team-ping" in report.registry
    assert any("entry point team" in source for source in report.sources)


def test_entry_points_can_be_turned_off(installed_package: Path) -> None:
    assert "team-ping" not in load_plugins([], entry_points=False).registry


def test_a_broken_entry_point_is_reported(installed_package: Path) -> None:
    (installed_package / "teamcmds-1.0.dist-info" / "entry_points.txt").write_text(
        "[supportbot.commands]\nteam = no_such_module_here\n"
    )
    report = load_plugins([], entry_points=True)
    assert any("no_such_module_here" in str(f) for f in report.failures)
