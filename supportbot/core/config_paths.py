"""Where the bot's files are: relative paths in the config file, the data folder, the bundled
commands.

- A relative path written in the config file (`data_dir`, `command_folders`, `log_file`, a
  `sqlite:///` file in `database_url`, `snippets_file` in `[knowledge]`) is read against the
  file's own folder, so the bot finds the same files whichever folder it is started from.
  Paths from the environment or the command line stay relative to the current folder, as a
  shell user expects.
- Without `data_dir`, the data folder is the user's data folder: `$XDG_DATA_HOME/supportbot`, by
  default `~/.local/share/supportbot`. Nothing is written into the current folder.
- The bundled commands are the package `supportbot_commands` (the checkout's `commands/`
  folder, installed with supportbot).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

__all__ = [
    "anchor_file_paths",
    "bundled_commands_folder",
    "default_data_dir",
    "create_private_file",
]

BUNDLED_PACKAGE = "supportbot_commands"
_PATH_KEYS = ("data_dir", "log_file")
#: Paths inside a nested table: table -> its keys that are paths.
_TABLE_PATH_KEYS = {"knowledge": ("snippets_file",)}
_SQLITE_PREFIX = "sqlite:///"


def default_data_dir() -> Path:
    """The user's data folder for supportbot (XDG base directories; nothing in the cwd)."""
    base = os.environ.get("XDG_DATA_HOME", "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / "supportbot"


def bundled_commands_folder() -> Path | None:
    """The folder of the commands shipped with supportbot, or None when it is not installed."""
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _anchored(value: Any, base: Path) -> Any:
    if isinstance(value, str) and value and not Path(value).expanduser().is_absolute():
        return str(base / value)
    return value


def anchor_file_paths(values: dict[str, Any], base: Path) -> dict[str, Any]:
    """`values` read from a config file in `base`, with its relative paths made absolute."""
    anchored = dict(values)
    for key in _PATH_KEYS:
        if key in anchored:
            anchored[key] = _anchored(anchored[key], base)
    for table, keys in _TABLE_PATH_KEYS.items():
        nested = anchored.get(table)
        if isinstance(nested, dict):
            anchored[table] = {
                key: _anchored(value, base) if key in keys else value
                for key, value in nested.items()
            }
    folders = anchored.get("command_folders")
    if isinstance(folders, list):
        anchored["command_folders"] = [_anchored(folder, base) for folder in folders]
    url = anchored.get("database_url")
    if isinstance(url, str) and url.startswith(_SQLITE_PREFIX):
        path = url[len(_SQLITE_PREFIX) :]
        if path and path != ":memory:" and not path.startswith("/"):
            anchored["database_url"] = _SQLITE_PREFIX + str(base / path)
    return anchored


def create_private_file(path: Path) -> None:
    """Create `path` readable and writable by this user only (0600), if it is not there yet.

    The database, the log and the shell history hold customers' phone numbers and emails; a
    file made by the library that writes it would get the umask's 0644. An existing file keeps
    its mode (someone chose it). Raises OSError like `open`.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(descriptor)
