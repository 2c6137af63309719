"""Database failures sorted and said: is this the database being away (retry, then spool), or
this one row's problem (tell its caller)? And what sentence names it for `store.health()`?
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import exc as sa

from . import wording as messages

__all__ = ["DatabaseGone", "DatabaseTarget", "describe", "is_unavailable"]

# SQLite's extended result code for "the file was unlinked or renamed while open".
_SQLITE_READONLY_DBMOVED = 1032
# PostgreSQL SQLSTATEs that mean the database (not the row) is the problem.
_PG_READ_ONLY = "25006"
_PG_DISK_FULL = "53100"
_PG_NO_ANSWER = {"57014": "statement", "55P03": "lock"}  # statement timeout, lock timeout
_PG_UNDEFINED_TABLE = "42P01"


class DatabaseGone(Exception):
    """Raised instead of writing when the database cannot be written at all (its SQLite file
    was deleted or replaced); `problem` is the sentence for the health state."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class DatabaseTarget:
    """Which database a sentence is about: `kind` "SQLite" or "PostgreSQL", and for SQLite its
    file."""

    kind: str
    path: Path | None = None

    @property
    def where(self) -> str:
        """The file for SQLite, the server for PostgreSQL."""
        return str(self.path) if self.path is not None else self.kind


def _orig(error: BaseException) -> BaseException:
    original = getattr(error, "orig", None)
    return original if isinstance(original, BaseException) else error


def _sqlstate(error: BaseException) -> str | None:
    state = getattr(_orig(error), "sqlstate", None)
    return state if isinstance(state, str) else None


def _first_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(_orig(error)).splitlines() if line.strip()]
    return lines[0].rstrip(".") if lines else type(error).__name__


def is_unavailable(error: BaseException) -> bool:
    """True when `error` says the database cannot take writes now (retry, spool); False when
    it is about the row or the statement itself (a duplicate key, a bad value, a bug)."""
    if isinstance(error, DatabaseGone | TimeoutError | OSError | sa.TimeoutError):
        return True
    if isinstance(error, sa.DisconnectionError | sa.InterfaceError):
        return True
    if isinstance(error, sa.IntegrityError | sa.DataError):
        return False
    if isinstance(error, sa.ProgrammingError):
        return _sqlstate(error) == _PG_UNDEFINED_TABLE
    if isinstance(error, sa.DBAPIError):
        return True  # OperationalError, InternalError, a malformed file...
    return False


def describe(error: BaseException, target: DatabaseTarget, waited_s: float) -> str:
    """The sentence `store.health()` shows for `error` (which `is_unavailable`)."""
    if isinstance(error, DatabaseGone):
        return error.problem
    if isinstance(error, TimeoutError | sa.TimeoutError):
        return messages.database_no_answer(target.kind, waited_s)
    original = _orig(error)
    if isinstance(original, OSError) and original.errno in (errno.ENOSPC, errno.EDQUOT):
        return messages.disk_full(target.where)
    if isinstance(original, OSError) and original.errno in (errno.EROFS, errno.EACCES):
        return messages.database_read_only(target.where)
    if target.kind == "SQLite":
        return _describe_sqlite(error, target, waited_s)
    return _describe_postgres(error, target, waited_s)


def _describe_sqlite(error: BaseException, target: DatabaseTarget, waited_s: float) -> str:
    path = str(target.path)
    text = _first_line(error)
    lowered = text.lower()
    if getattr(_orig(error), "sqlite_errorcode", None) == _SQLITE_READONLY_DBMOVED:
        return messages.sqlite_file_gone(path)
    if "readonly" in lowered or "read-only" in lowered:
        return messages.database_read_only(path)
    if "disk is full" in lowered:
        return messages.disk_full(str(Path(path).parent))
    if "locked" in lowered:
        return messages.sqlite_locked(path, waited_s)
    if "unable to open" in lowered:
        folder = os.path.dirname(path)
        if os.path.exists(path) and not os.access(folder, os.W_OK):
            # SQLite must create the -wal and -shm files beside the database.
            return messages.database_read_only(folder)
        return messages.sqlite_file_missing(path)
    if "no such table" in lowered:
        return messages.sqlite_without_tables(path)
    return messages.database_error("SQLite", text)


def _describe_postgres(error: BaseException, target: DatabaseTarget, waited_s: float) -> str:
    state = _sqlstate(error)
    if state == _PG_READ_ONLY:
        return messages.database_read_only("PostgreSQL: " + _first_line(error))
    if state == _PG_DISK_FULL:
        return messages.disk_full("PostgreSQL: " + _first_line(error))
    if state in _PG_NO_ANSWER:
        return messages.database_no_answer(target.kind, waited_s)
    if isinstance(error, sa.OperationalError | sa.InterfaceError | sa.DisconnectionError):
        return messages.database_unreachable(target.kind, _first_line(error))
    return messages.database_error(target.kind, _first_line(error))
