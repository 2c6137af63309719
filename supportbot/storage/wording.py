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
