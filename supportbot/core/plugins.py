"""Finding command plugins: every `*.py` in the configured folders, and installed packages'
`supportbot.commands` entry points. A plugin that fails to import is reported with its file and
line, and the others still load; a configured folder that is missing is reported the same way;
two commands with one name stop the start-up.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import logging
import sys
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from . import wording as messages
from .registry import CommandRegistry, spec_of

__all__ = [
    "ENTRY_POINT_GROUP",
    "PluginFailure",
    "PluginReport",
    "find_command_folder",
    "is_plugin_file",
    "load_plugins",
]

ENTRY_POINT_GROUP = "supportbot.commands"
log = logging.getLogger("supportbot.plugins")


@dataclass(frozen=True)
class PluginFailure:
    """A plugin that could not be loaded: where, and why."""

    source: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.reason}"


@dataclass
class PluginReport:
    """What loading found: the registry, and the plugins that failed."""

    registry: CommandRegistry
    failures: list[PluginFailure] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


def _failure(source: str, exc: BaseException) -> PluginFailure:
    if isinstance(exc, SyntaxError):
        return PluginFailure(source, exc.lineno, f"syntax error: {exc.msg}")
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == source:
            line = frame.lineno
    return PluginFailure(source, line, f"{type(exc).__name__}: {exc}")


#: Plugin files already imported, by resolved path: (their bytes' digest, the module). Every
#: bot (and every test) loads the same folders; running the 23 bundled files again took 43 ms
#: per `open_bot`. A file whose bytes changed is imported again, as before.
_IMPORTED: dict[str, tuple[str, ModuleType]] = {}


def _import_file(path: Path) -> ModuleType:
    resolved = str(path.resolve())
    content = hashlib.sha1(path.read_bytes()).hexdigest()
    known = _IMPORTED.get(resolved)
    if known is not None and known[0] == content:
        return known[1]
    # A unique module name per file, so two folders may both hold a `merchant.py`.
    digest = hashlib.sha1(resolved.encode()).hexdigest()[:10]
    module_name = f"supportbot_plugins.{path.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        _IMPORTED.pop(resolved, None)
        raise
    _IMPORTED[resolved] = (content, module)
    return module


def _register_module(registry: CommandRegistry, module: ModuleType) -> None:
    for value in vars(module).values():
        spec = spec_of(value)
        # Only commands defined here, not ones a plugin imported from another plugin.
        if spec is not None and getattr(spec.handler, "__module__", None) == module.__name__:
            registry.add(spec)


def _where(folder: Path) -> tuple[str, str]:
    """The folder as an absolute path, and the working directory it was resolved against."""
    try:
        return str(folder.resolve()), str(Path.cwd())
    except OSError:  # the working directory itself was deleted
        return str(folder), "a folder that no longer exists"


def _folder_files(folders: Iterable[Path], failures: list[PluginFailure]) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        if not folder.is_dir():
            # Reported, not only logged: from the wrong working directory the bot would otherwise
            # start with no commands and only say "There is no command /merchant".
            resolved, started_in = _where(folder)
            reason = messages.command_folder_missing(started_in, is_file=folder.exists())
            failures.append(PluginFailure(resolved, None, reason))
            log.warning("command folder %s (%s) is missing; skipped", folder, resolved)
            continue
        files.extend(p for p in sorted(folder.glob("*.py")) if is_plugin_file(p))
    return files


def is_plugin_file(path: Path) -> bool:
    """Whether a .py file of a command folder holds commands: not `_private.py`, and not a
    test (`test_*.py`, `*_test.py`, `conftest.py`), which a tests/commands/ folder is full of."""
    name = path.name
    return not (
        name.startswith(("_", "test_")) or name.endswith("_test.py") or name == "conftest.py"
    )


def find_command_folder(folder: Path, start: Path | None = None) -> Path:
    """A relative command folder (`commands`) as found from `start` (the working directory) or
    the nearest folder above it that has one with commands in it: a test run from `tests/`
    finds the project's `commands/`, not `tests/commands/`. Absolute folders are kept."""
    if folder.is_absolute():
        return folder
    base = (start or Path.cwd()).resolve()
    for place in (base, *base.parents):
        candidate = place / folder
        if candidate.is_dir() and any(is_plugin_file(p) for p in candidate.glob("*.py")):
            return candidate
    return base / folder


def load_plugins(folders: Iterable[Path], *, entry_points: bool = True) -> PluginReport:
    """Import every plugin and register its commands.

    Import errors and missing folders are collected in the report (file and line, or the folder's
    absolute path), never raised. A duplicate command name raises DuplicateCommandError, naming
    both files, because which one wins would be a guess.
    """
    report = PluginReport(registry=CommandRegistry())
    for path in _folder_files(folders, report.failures):
        source = str(path.resolve())
        try:
            module = _import_file(path)
        except Exception as exc:  # a broken plugin must not take down the others
            report.failures.append(_failure(source, exc))
            log.error("plugin %s failed to load", source, exc_info=exc)
            continue
        _register_module(report.registry, module)
        report.sources.append(source)
    if entry_points:
        for entry in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            source = f"entry point {entry.name} ({entry.value})"
            try:
                loaded = entry.load()
            except Exception as exc:
                report.failures.append(_failure(source, exc))
                continue
            if isinstance(loaded, ModuleType):
                _register_module(report.registry, loaded)
            elif spec_of(loaded) is not None:
                spec = spec_of(loaded)
                assert spec is not None
                report.registry.add(spec)
            else:
                report.failures.append(
                    PluginFailure(source, None, "is neither a module nor an @command function")
                )
                continue
            report.sources.append(source)
    return report
