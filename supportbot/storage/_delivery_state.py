"""What an adapter keeps so that its replicas agree: deliveries already acted on, and the state
behind the buttons of posted messages.

Reached as `store.events` and `store.button_states`. A claim is an INSERT into a table whose
primary key is the claimed key: the database decides who was first, also between replicas. Old
rows are pruned now and then by whoever writes, so neither table grows without bound.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from ._events import ButtonState, ProcessedEvent

__all__ = ["ButtonStates", "ProcessedEvents"]

#: How often a writer deletes what has expired (at most; only when it writes).
PRUNE_EVERY_S = 600.0
MAX_KEY = 255
MAX_ID = 64


def _stored_key(key: str) -> str:
    """The key as the column holds it: a key too long for it is stored as its SHA-256."""
    if len(key) <= MAX_KEY:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


class _Pruner:
    """Says when it is time to prune again: once every PRUNE_EVERY_S per repository."""

    def __init__(self) -> None:
        self._next = 0.0

    def due(self) -> bool:
        now = time.monotonic()
        if now < self._next:
            return False
        self._next = now + PRUNE_EVERY_S
        return True


class ProcessedEvents:
    """Keys of the deliveries and clicks acted on (table `processed_events`)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._pruner = _Pruner()

    async def claim(self, key: str, *, keep_for: timedelta) -> bool:
        """True for the first claim of `key` across every replica, False for any later one.

        The claim is remembered for `keep_for` (longer than any redelivery can come); a key of
        any length can be claimed.
        """
        now = datetime.now(UTC)
        if self._pruner.due():
            async with self._engine.begin() as connection:
                await connection.execute(
                    delete(ProcessedEvent).where(ProcessedEvent.claimed_at < now - keep_for)
                )
        try:
            async with self._engine.begin() as connection:
                await connection.execute(
                    insert(ProcessedEvent).values(key=_stored_key(key), claimed_at=now)
                )
        except IntegrityError:
            return False
        return True


class ButtonStates:
    """The state behind the buttons of posted messages, by id, until it expires (table
    `button_states`). The state is the adapter's own text (JSON); the store does not read it."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._pruner = _Pruner()

    async def put(self, state_id: str, *, requester: str, state: str, keep_for: timedelta) -> None:
        """Keep `state` under `state_id` (at most 64 characters) for `keep_for`."""
        if len(state_id) > MAX_ID:
            raise ValueError(f"a button state id has at most {MAX_ID} characters")
        now = datetime.now(UTC)
        async with self._engine.begin() as connection:
            if self._pruner.due():
                await connection.execute(delete(ButtonState).where(ButtonState.expires_at < now))
            await connection.execute(
                insert(ButtonState).values(
                    id=state_id,
                    requester=requester[:MAX_ID],
                    created_at=now,
                    expires_at=now + keep_for,
                    payload=state,
                )
            )

    async def get(self, state_id: str) -> str | None:
        """The state kept under `state_id`, or None when it is unknown or has expired."""
        if len(state_id) > MAX_ID:  # a click can carry anything; no such id was ever kept
            return None
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(
                    select(ButtonState.payload, ButtonState.expires_at).where(
                        ButtonState.id == state_id
                    )
                )
            ).first()
        if row is None:
            return None
        payload, expires_at = row
        if expires_at <= datetime.now(UTC):
            return None
        return str(payload)
