"""Meta-tests that keep the project honest: public API, docs and tests stay in step."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

import supportbot
from supportbot.app.cli import cli
from supportbot.core.plugins import load_plugins
from supportbot.core.settings import ServiceSettings, Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_all_lists_exactly_the_public_names() -> None:
    # The names load lazily: what __all__ promises is what the lazy table serves, and each one
    # resolves to something documented.
    assert set(supportbot.__all__) == set(supportbot._PUBLIC)
    assert len(supportbot.__all__) == len(set(supportbot.__all__))
    for name in supportbot.__all__:
        assert getattr(supportbot, name).__doc__, f"{name} has no docstring"
    assert set(supportbot.__all__) <= set(dir(supportbot))


def test_the_public_face_loads_nothing_heavy_until_used() -> None:
    code = (
        "import sys, supportbot; heavy = ('pydantic', 'httpx', 'sqlalchemy', 'aiohttp'); "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


def test_every_bundled_command_has_a_test_file() -> None:
    registry = load_plugins([ROOT / "commands"], entry_points=False).registry
    for spec in registry:
        module = Path(spec.source.rsplit(":", 1)[0]).stem
        assert (ROOT / "tests" / "commands" / f"test_{module}.py").is_file(), spec.name


def test_every_setting_is_documented_in_the_readme() -> None:
    for name in Settings.model_fields:
        assert f"`{name}`" in README, f"setting {name} is missing from README.md"
        assert f"SUPPORTBOT_{name.upper()}" in README, f"SUPPORTBOT_{name.upper()} undocumented"
    for name in ServiceSettings.model_fields:
        assert f"`{name}`" in README, f"service setting {name} is missing from README.md"


def _commands(group: click.Group, prefix: str = "supportbot") -> list[str]:
    # Through click's own interface: the top group lists lazy entries it has not imported yet.
    context = click.Context(group)
    found = []
    for name in group.list_commands(context):
        found.append(f"{prefix} {name}")
        sub = group.get_command(context, name)
        if isinstance(sub, click.Group):
            found += _commands(sub, f"{prefix} {name}")
    return found


def test_every_cli_command_is_documented_in_the_readme() -> None:
    for command in _commands(cli):
        assert f"`{command}" in README, f"{command} is missing from README.md"


def test_every_bundled_command_is_in_the_readme() -> None:
    for spec in load_plugins([ROOT / "commands"], entry_points=False).registry:
        assert f"/{spec.name}" in README, f"/{spec.name} is missing from README.md"
