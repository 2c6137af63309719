"""Bound every database call of a run by the command's deadline.

The storage layer keeps its signatures (`store.actions.claim_run(intent)`); the deadline
travels in a context variable (`supportbot.storage.database_deadline`). This link sets it once
the run's context exists, to the time its service calls have too (`Context.remaining`: the
deadline less a small reserve), so a frozen or unreachable database costs a run at most its
own deadline, and the reserve is left to answer "could not record this". The audit record,
written by an outer link after the run, keeps to the same time (`RunNotes.database_deadline`).
"""

from __future__ import annotations

import asyncio

from supportbot.core.reply import Reply
from supportbot.dispatch.chain import Link, Next, ValidRequest
from supportbot.storage import database_deadline

__all__ = ["deadline_link"]


def deadline_link() -> Link[ValidRequest]:
    """The link that bounds the database work of each run by its deadline."""

    async def deadline(request: ValidRequest, call_next: Next[ValidRequest]) -> Reply:
        """Run the rest of the chain with its database calls bounded by the run's deadline."""
        until = asyncio.get_running_loop().time() + request.context.remaining()
        request.notes.database_deadline = until
        with database_deadline(until):
            return await call_next(request)

    return deadline
