"""The garbage collector while supportbot starts: paused as the modules load, then the objects
that live as long as the process (modules, tables, the bot) are frozen out of its scans.

Importing SQLAlchemy, pydantic, aiohttp and the tables allocates objects by the hundred
thousand, and the collector's full passes over them took 150-250 ms of a 0.9 s import, with
nothing to free. Only `main()` pauses it, so an import of the CLI (tests, plugins) never does.
"""

from __future__ import annotations

import gc

__all__ = ["pause_collection", "resume_collection"]

_paused = False


def pause_collection() -> None:
    """Stop automatic collection until `resume_collection` (the process is starting)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collection() -> None:
    """Started: what exists now lives as long as the process, so it is frozen (never scanned
    again), and collection is back on. Does nothing unless `pause_collection` paused it."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
