"""The database's health as the rest of the bot reads it: `store.health()`.

    health = store.health()
    health.ok          # False while writes cannot be committed
    health.problem     # "the SQLite file /x/supportbot.db was deleted or replaced; ..." or None
    health.sentence()  # the problem and what was done about it, for /status and readiness

Reads may still work while it is not ok (a read-only file, a full disk); actions cannot: a claim
raises `StorageUnavailable`. Rows that need no answer are spooled meanwhile (`spooled`), and
`held_in_memory` counts those the spool itself could not take.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from . import wording as messages

__all__ = ["HealthState", "StorageHealth"]


@dataclass(frozen=True)
class StorageHealth:
    """What is known about the database right now."""

    ok: bool
    problem: str | None = None
    #: When the problem was first seen.
    since: datetime | None = None
    #: Rows waiting in the spool (files and memory) to be written to the database.
    spooled: int = 0
    #: Of those, rows that only exist in memory (and in the log).
    held_in_memory: int = 0
    spool_folder: str = ""

    @property
    def status(self) -> str:
        """ "ok" or "degraded"."""
        return "ok" if self.ok and not self.spooled else "degraded"

    def sentence(self) -> str:
        """The problem and what is done about it, in one line; "writes are committed" when
        nothing is wrong."""
        parts = [self.problem] if self.problem else []
        waiting = self.spooled - self.held_in_memory
        if waiting > 0:
            parts.append(messages.rows_spooled(waiting, self.spool_folder))
        if self.held_in_memory:
            parts.append(messages.rows_held_in_memory(self.held_in_memory, self.spool_folder))
        return "; ".join(parts) if parts else messages.database_healthy()

    def as_json(self) -> dict[str, Any]:
        """What readiness probes show: `ok`, `status`, the `problem`, the spooled rows and the
        whole `detail` sentence."""
        return {
            "ok": self.ok,
            "status": self.status,
            "problem": self.problem,
            "since": self.since.isoformat() if self.since is not None else None,
            "spooled": self.spooled,
            "held_in_memory": self.held_in_memory,
            "spool_folder": self.spool_folder,
            "detail": self.sentence(),
        }


class HealthState:
    """The writer's view: the current problem (None when writes commit) and since when."""

    def __init__(self) -> None:
        self.problem: str | None = None
        self.since: datetime | None = None

    @property
    def ok(self) -> bool:
        """No problem is known."""
        return self.problem is None

    def degrade(self, problem: str) -> None:
        """Say what is wrong (the latest sentence wins; `since` keeps the first time)."""
        if self.problem is None:
            self.since = datetime.now(UTC)
        self.problem = problem

    def recover(self) -> None:
        """Writes commit again."""
        self.problem = None
        self.since = None
