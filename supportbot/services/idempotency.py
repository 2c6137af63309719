"""The idempotency key of the action being run, sent by every changing call it makes.

The dispatcher's execute link runs a confirmed action inside `action_key(key)`; every POST, PUT,
PATCH or DELETE the action then sends carries `Idempotency-Key: <key>` (a header the command set
itself wins). So an action never adds the header by hand, a retry of the run reuses the key, and
the service does the change at most once. Tasks started inside the block (a `gather`) inherit
the key, as they inherit the deadline.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["IDEMPOTENCY_HEADER", "action_key", "current_action_key", "with_action_key"]

IDEMPOTENCY_HEADER = "Idempotency-Key"
#: Methods that change nothing: sending them twice is harmless, so they carry no key.
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_KEY: ContextVar[str | None] = ContextVar("supportbot_action_key", default=None)


@contextmanager
def action_key(key: str | None) -> Iterator[None]:
    """Send `key` as the idempotency key of every changing call made inside the block."""
    token = _KEY.set(key)
    try:
        yield
    finally:
        _KEY.reset(token)


def current_action_key() -> str | None:
    """The idempotency key of the action running now (None outside a confirmed action)."""
    return _KEY.get()


def with_action_key(method: str, headers: Mapping[str, str] | None) -> Mapping[str, str] | None:
    """`headers` with the running action's key added, for a changing `method`; unchanged for a
    safe method, outside an action, or when the command already set the header."""
    key = _KEY.get()
    if key is None or method.upper() in _SAFE_METHODS:
        return headers
    if any(name.lower() == IDEMPOTENCY_HEADER.lower() for name in headers or {}):
        return headers
    return {**(headers or {}), IDEMPOTENCY_HEADER: key}
