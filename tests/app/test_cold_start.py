"""`supportbot --help` starts cheaply: it lists every subcommand without importing any of them.

The timing goal (median <= 150 ms) lives in bench/cold_start.py; here is what makes it
possible, checked in a fresh interpreter: which modules `--help` loads.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import click
import pytest

from supportbot.app.cli import cli
from supportbot.app.lazy_group import LazyGroup
from supportbot.core.console import CommandEntry

ROOT = Path(__file__).resolve().parents[2]
# What a bot needs and `--help` must not pay for: the web stack, the database, Slack, the HTTP
# client, phone numbers, and pydantic with the settings and reply models built on it.
HEAVY = (
    "aiohttp",
    "sqlalchemy",
    "slack_sdk",
    "slack_bolt",
    "httpx",
    "phonenumbers",
    "pydantic",
    "pydantic_settings",
    "supportbot.core.settings",
    "supportbot.core.reply",
    "supportbot.dispatch",
    "supportbot.storage",
)
# Runs the real entry point as the console script does, then reports what got imported.
LOADED_BY_HELP = (
    "import sys\n"
    "from supportbot.app.cli import main\n"
    "try:\n"
    "    main()\n"
    "except SystemExit:\n"
    "    pass\n"
    "heavy = {heavy!r}\n"
    "print('LOADED', sorted(m for m in sys.modules if m.split('.')[0] in heavy or m in heavy))\n"
)


def loaded_by(*args: str) -> tuple[str, list[str]]:
    script = LOADED_BY_HELP.format(heavy=HEAVY)
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    output, _, loaded = result.stdout.rpartition("LOADED ")
    return output, ast.literal_eval(loaded)


@pytest.mark.parametrize("args", [("--help",), ("-h",), ("--version",), ()])
def test_the_group_imports_nothing_heavy(args: tuple[str, ...]) -> None:
    _, loaded = loaded_by(*args)
    assert loaded == []


def test_help_lists_every_subcommand_with_its_line() -> None:
    output, _ = loaded_by("--help")
    assert isinstance(cli, LazyGroup)
    for entry in cli.entries.values():
        assert f"  {entry.name} " in output, entry.name
        first_words = " ".join(entry.help.split()[:3])
        assert first_words in output, entry.name


def test_a_subcommand_loads_what_it_needs_when_it_runs() -> None:
    # The other side of laziness: asking for the subcommand itself does import it.
    output, loaded = loaded_by("audit", "--help")
    assert "--since" in output and "supportbot.core.reply" in loaded


def test_each_entry_says_what_its_command_says() -> None:
    # The help line lives twice (entry and docstring): they must not drift apart.
    assert isinstance(cli, LazyGroup)
    context = click.Context(cli)
    for name, entry in cli.entries.items():
        command = entry.load()
        assert command.name == name, entry.target
        assert entry.short_help(1000) == command.get_short_help_str(1000), name
        assert cli.get_command(context, name) is command


def test_an_entry_that_is_not_a_command_is_refused() -> None:
    entry = CommandEntry("broken", "supportbot.app.cli:COMMANDS", "Not a command.")
    with pytest.raises(TypeError, match=r"supportbot\.app\.cli:COMMANDS is not a click command"):
        entry.load()


def test_two_subcommands_of_one_name_are_refused() -> None:
    group = LazyGroup(name="g")
    entry = CommandEntry("twice", "supportbot.app.chat_cli:demo", "Twice.")
    group.add_entries([entry])
    with pytest.raises(ValueError, match="two subcommands are named 'twice'"):
        group.add_entries([entry])
