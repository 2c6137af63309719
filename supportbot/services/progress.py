"""Who waits for which service right now: a listener an adapter sets around one command.

The terminal shows "Looking up … in merchants, billing, devices, transactions" and ticks the
services off as they answer; for that it sets a listener with `listening(...)` around the
command, and every service call made inside it (also in tasks the command's `gather` starts,
which inherit the context) reports when it is asked and when it has answered. Without a listener
reporting costs one context-variable lookup.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal

__all__ = ["CallEvent", "ProgressListener", "listening", "report"]

#: "asked": the call is about to be sent; "answered": it has a result (an answer, or a failure).
CallEvent = Literal["asked", "answered"]
ProgressListener = Callable[[str, CallEvent, bool], None]

_LISTENER: ContextVar[ProgressListener | None] = ContextVar("supportbot_progress", default=None)
log = logging.getLogger("supportbot.services")


@contextmanager
def listening(listener: ProgressListener) -> Iterator[None]:
    """Call `listener(service, event, ok)` for every service call made inside the block."""
    token = _LISTENER.set(listener)
    try:
        yield
    finally:
        _LISTENER.reset(token)


def report(service: str, event: CallEvent, ok: bool = True) -> None:
    """Tell the listener, if any, about a call of `service`; a broken listener is only logged."""
    listener = _LISTENER.get()
    if listener is None:
        return
    try:
        listener(service, event, ok)
    except Exception:  # showing progress must never cost the command its answer
        log.exception("progress listener failed")
