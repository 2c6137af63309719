"""Observe every command run: Prometheus counters and latency, and the log's request id.

Put it first in the chain (outermost), so it times the whole run, audit write included, and every
record logged while the command runs, by any link or service call, carries its request id.
"""

from __future__ import annotations

import time

from supportbot.core.logs import log_context
from supportbot.core.reply import Reply
from supportbot.dispatch.chain import Link, Next, Request
from supportbot.services.metrics import Metrics

__all__ = ["UNKNOWN_COMMAND", "metrics_link"]

#: The label of anything that is not a registered command (never the text a user typed).
UNKNOWN_COMMAND = "unknown"


def metrics_link(recorder: Metrics) -> Link[Request]:
    """The link that counts and times every run in `recorder`."""

    async def metrics(request: Request, call_next: Next[Request]) -> Reply:
        """Run the chain inside the request's log context; count and time the run."""
        notes = request.notes
        started = time.perf_counter()
        outcome = "crashed"  # what is counted if the rest of the chain raises
        with log_context(request.request_id, lambda: notes.spec.name if notes.spec else None):
            try:
                reply = await call_next(request)
                outcome = reply.outcome.value
                return reply
            finally:
                name = notes.spec.name if notes.spec is not None else UNKNOWN_COMMAND
                recorder.commands.labels(name, outcome).inc()
                recorder.command_seconds.labels(name).observe(time.perf_counter() - started)

    return metrics
