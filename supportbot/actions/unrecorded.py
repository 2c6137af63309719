"""When the database cannot record an action: refuse it at once, with a line that says so.

An action's question, its decisions and its intent must be committed before anything happens
(`StorageUnavailable` otherwise). While the database cannot take them (`store.health()` not
ok: a deleted or read-only file, a full disk, PostgreSQL stopped or frozen), actions are refused
before anything is asked or called, and every refusal is an answer ("could not record this,
nothing was done, try again"), never silence. Lookups are not affected: their audit rows spool.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from supportbot.core.reply import Outcome, Reply
from supportbot.storage import StorageUnavailable, database_deadline

from . import wording as messages

if TYPE_CHECKING:
    from supportbot.storage import Store

__all__ = [
    "decision_deadline",
    "recording_problem",
    "unescalated",
    "unrecorded",
    "unrecorded_decision",
]

log = logging.getLogger("supportbot.actions")


def recording_problem(store: Store | None) -> StorageUnavailable | None:
    """Why `store` cannot take an action's intent now; None when it can (or there is none:
    a bot without a database refuses actions in its own words)."""
    if store is None:
        return None
    health = store.health()
    if health.ok:
        return None
    return StorageUnavailable(health.problem or "writes are not committed")


def unrecorded(command: str, error: StorageUnavailable) -> Reply:
    """The answer to /`command`, which the database could not record: nothing ran."""
    log.warning("could not record /%s, nothing was done: %s", command, error.problem)
    return Reply(outcome=Outcome.ERROR, text=messages.could_not_record(command))


def unrecorded_decision(decision: str, error: StorageUnavailable) -> Reply:
    """The answer to a `decision` (confirm, cancel, ...) the database could not record."""
    log.warning("could not record a %s, nothing was done: %s", decision, error.problem)
    return Reply(outcome=Outcome.ERROR, text=messages.could_not_record_decision(decision))


def unescalated(request_id: str, error: StorageUnavailable) -> Reply:
    """The answer to an escalation of `request_id` that the database could not serve (the
    report is made from the run's audit record): nothing was sent."""
    log.warning("could not escalate %s, nothing was sent: %s", request_id, error.problem)
    return Reply(outcome=Outcome.ERROR, text=messages.could_not_escalate(request_id))


@contextmanager
def decision_deadline(timeout_s: float) -> Iterator[None]:
    """Bound the database work of one decision (a click, a typed `yes`) by `timeout_s` from
    now, as a command's run is bounded by its deadline."""
    with database_deadline(asyncio.get_running_loop().time() + timeout_s):
        yield
