"""The sentences of the storage layer: the database's state, for the start and the health checks."""

from __future__ import annotations

# --- the schema ------------------------------------------------------------------------------


def database_not_migrated() -> str:
    """The production database is behind the code."""
    return (
        "The database schema is not up to date. Run `supportbot db upgrade` "
        "(the Procfile's release step does this on deploy), then start again."
    )


# --- the database's health ------------------------------------------------------------------------


def database_answers() -> str:
    """The database answered a query."""
    return "answers"


def database_failed(reason: str) -> str:
    """The database did not answer."""
    return f"does not answer: {reason}"


def database_at_head(revision: str | None) -> str:
    """The schema is current."""
    return f"connected; schema current (revision {revision})"


def database_behind(current: str | None, head: str | None) -> str:
    """The schema is older than the code."""
    return f"schema at {current or 'nothing'}, code needs {head}: run `supportbot db upgrade`"


def database_new_sqlite(path: str) -> str:
    """The embedded SQLite file does not exist yet; the first start creates it."""
    return f"{path} does not exist yet; the first start creates and migrates it"


# --- the write path: what went wrong with the database, and what was done about it -------------


def could_not_record() -> str:
    """A write that needed the database's answer (a claim, a decision) could not be made."""
    return (
        "Could not record this, so nothing was done: the bot's database is not available "
        "right now. Try again in a minute; if it keeps failing, tell whoever runs the bot."
    )


def sqlite_file_gone(path: str) -> str:
    """The SQLite file the bot opened is not at its path any more (deleted, or another file)."""
    return (
        f"the SQLite file {path} was deleted or replaced; the bot stopped writing to it. "
        "Put the file back or restart the bot (a restart starts a new file)"
    )


def sqlite_file_missing(path: str) -> str:
    """The SQLite file is not there when a connection is opened."""
    return f"the SQLite file {path} does not exist (was it deleted?)"


def database_read_only(where: str) -> str:
    """The database refuses writes."""
    return f"the database is read-only ({where}): give this user write permission there"


def disk_full(where: str) -> str:
    """No space left for the database."""
    return f"the disk is full ({where}): free some space"


def sqlite_locked(path: str, seconds: float) -> str:
    """Another process held SQLite's write lock for longer than a write may wait."""
    return (
        f"the SQLite file {path} stayed locked by another process for {seconds:g} s "
        "(is a second bot or a long query running on it?)"
    )


def sqlite_without_tables(path: str) -> str:
    """The file has no supportbot tables: replaced by an empty or foreign database."""
    return (
        f"the SQLite file {path} has no supportbot tables (replaced by another file?): "
        "run `supportbot db upgrade` or restore the file"
    )


def database_no_answer(kind: str, seconds: float) -> str:
    """The database did not answer within the bound a write or a read may wait."""
    return f"{kind} did not answer in {seconds:g} s"


def database_unreachable(kind: str, reason: str) -> str:
    """The server cannot be reached."""
    return f"{kind} cannot be reached: {reason}"


def database_error(kind: str, reason: str) -> str:
    """Any other failure of the database."""
    return f"{kind} failed: {reason}"


def rows_spooled(count: int, folder: str) -> str:
    """Rows are kept in the local spool until the database is back."""
    rows = "1 row waits" if count == 1 else f"{count} rows wait"
    return f"{rows} in the spool {folder}; they are written once the database is back"


def rows_held_in_memory(count: int, folder: str) -> str:
    """The spool itself cannot be written: rows are only in memory (and in the log)."""
    rows = "1 row is" if count == 1 else f"{count} rows are"
    return (
        f"the spool {folder} cannot be written either: {rows} held in memory and in the log "
        "until the database or the spool can take them; do not stop the bot"
    )


def database_healthy() -> str:
    """Nothing is wrong with the database."""
    return "writes are committed"
