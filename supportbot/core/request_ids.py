"""The id of one command run: its error reference, its audit record's key, its log lines' tag."""

from __future__ import annotations

import uuid

__all__ = ["new_request_id"]


def new_request_id() -> str:
    """A short id for one command run; shown to users as the error reference."""
    return uuid.uuid4().hex[:12]
