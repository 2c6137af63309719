"""The README's tutorials, run verbatim from a fresh folder outside the repository.

Every README block that starts with `# commands/<file>.py` or `# tests/commands/<file>.py` is
written to a new folder as it stands, and that folder's `pytest` must pass with nothing else
(no configuration, no conftest: what a plugin author has after `pip install supportbot
pytest`). A tutorial that drifts from the framework fails here."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"```python\n# ((?:tests/)?commands/[a-z_]+\.py)\n(.*?)```", re.DOTALL)


def tutorial_files() -> dict[str, str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return {path: body for path, body in BLOCK.findall(readme)}


def test_the_readme_has_both_tutorials_with_their_tests() -> None:
    assert set(tutorial_files()) == {
        "commands/devices.py",
        "tests/commands/test_devices.py",
        "commands/restart_device.py",
        "tests/commands/test_restart_device.py",
    }


def test_the_tutorials_pass_as_written_from_a_fresh_folder(tmp_path: Path) -> None:
    for path, body in tutorial_files().items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SUPPORTBOT_", "PY"))}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout, result.stdout
