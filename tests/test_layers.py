"""The layout's import rules hold: one package per layer, each importing only the layers below.

The rules are import-linter contracts in pyproject.toml (`[tool.importlinter]`); these tests run
them, and show that they can fail: a forbidden import planted in a copy of the package breaks them.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "supportbot"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(ROOT / "pyproject.toml")],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def lint_available() -> None:
    if not LINT_IMPORTS.exists():
        pytest.fail("lint-imports is missing: install the test extras (pip install -e '.[test]')")


def _copy_package(tmp_path: Path) -> Path:
    shutil.copytree(PACKAGE, tmp_path / "supportbot", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_the_import_contracts_hold(lint_available: None) -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "planted", "broken"),
    [
        # the bottom layer reaching up into an adapter
        ("core/reply.py", "import supportbot.slack", "a layer imports only the layers below"),
        # a lower layer calling back into the dispatcher instead of being handed a callable
        ("actions/desk.py", "import supportbot.dispatch.bot", "a layer imports only the layers"),
        # an adapter importing another adapter
        ("terminal/session.py", "import supportbot.web.metrics", "a layer imports only the"),
        # anything but the wiring starting the sample services
        ("dispatch/bot.py", "import supportbot.sample", "use the sample services"),
        # a cycle inside one package
        ("core/errors.py", "import supportbot.core.parsing", "No import cycle"),
    ],
)
def test_a_forbidden_import_breaks_the_contracts(
    lint_available: None, tmp_path: Path, module: str, planted: str, broken: str
) -> None:
    tree = _copy_package(tmp_path)
    target = tree / "supportbot" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{planted}\n", encoding="utf-8")
    result = _lint(tree)
    assert result.returncode != 0, result.stdout
    assert broken in result.stdout.split("Broken contracts", 1)[-1]


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, absolute (relative imports resolved against its package)."""
    package = list(path.relative_to(ROOT).with_suffix("").parts[:-1])
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            found.add(".".join([*base, *([node.module] if node.module else [])]))
    return found


def test_bundled_commands_import_only_the_public_face() -> None:
    for path in sorted((ROOT / "commands").glob("*.py")):
        inside = {m for m in _imported_modules(path) if m.split(".")[0] == "supportbot"}
        assert inside <= {"supportbot"}, f"{path.name} imports {sorted(inside - {'supportbot'})}"


def test_nothing_imports_the_app() -> None:
    for path in PACKAGE.rglob("*.py"):
        if path.is_relative_to(PACKAGE / "app") or path.name == "__main__.py":
            continue
        imported = _imported_modules(path)
        assert not any(m.startswith("supportbot.app") for m in imported), path


def test_no_module_is_over_500_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): n
        for path in [*PACKAGE.rglob("*.py"), *(ROOT / "commands").glob("*.py")]
        if "migrations/versions" not in path.as_posix()
        and (n := len(path.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert not long, f"split these along their seams: {long}"
