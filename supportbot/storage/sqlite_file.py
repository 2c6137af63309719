"""The SQLite file the store opened, watched: is the file at its path still the same one?

SQLite keeps writing to a file that was deleted (an unlinked inode: every row goes into the
void), and a connection opened on a file that replaced it would apply the old file's `-wal` to
the new one, or truncate the `-shm` that the older connections have memory-mapped: that is the
SIGBUS that killed the bot. So the store remembers the file's identity (device and inode) when
it first connects, and:

- `problem()` (checked before and after every group commit, and by `store.health()`) says when
  the file is gone or another file is in its place: the writer then stops and spools;
- `guard(engine)` makes every new connection check it first, and refuse to open a replaced
  file, so no connection of this process ever maps the `-shm` of two different files;
- connections open the file with `mode=rw` (see `_engine.sqlite_uri`), so a deleted file is
  never silently re-created empty.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from . import wording as messages
from .faults import DatabaseGone

__all__ = ["SqliteFile"]


class SqliteFile:
    """One SQLite database file and the identity it had when the store first opened it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._identity: tuple[int, int] | None = None

    def _current(self) -> tuple[int, int] | None:
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return None
        except OSError:  # a folder we may no longer enter: not proof that the file changed
            return self._identity
        return (stat.st_dev, stat.st_ino)

    def remember(self) -> None:
        """Note the file's identity now, unless it is already noted."""
        if self._identity is None:
            self._identity = self._current()

    def problem(self) -> str | None:
        """None while the file at the path is the one first opened; else the sentence."""
        if self._identity is None:
            return None
        if self._current() != self._identity:
            return messages.sqlite_file_gone(str(self.path))
        return None

    def check(self) -> None:
        """Raise DatabaseGone when `problem()` has something to say."""
        problem = self.problem()
        if problem is not None:
            raise DatabaseGone(problem)

    def guard(self, engine: Engine) -> None:
        """Make `engine` refuse to open a connection on a replaced file, and remember the file
        on its first connection."""

        def before_connect(*_args: Any) -> None:
            self.check()

        def after_connect(*_args: Any) -> None:
            self.remember()

        event.listen(engine, "do_connect", before_connect)
        event.listen(engine, "connect", after_connect)
