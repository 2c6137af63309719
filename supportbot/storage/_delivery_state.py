"""What an adapter keeps so that its replicas agree: deliveries already acted on, and the state
behind the buttons of posted messages.

Reached as `store.events` and `store.button_states`. A claim is an INSERT into a table whose
primary key is the claimed key: the database decides who was first, also between replicas; it
runs as a job of the write path, so it needs the database (StorageUnavailable while it is away).
A button state needs no answer: it is an Insert, spooled while the database is away. Old rows
are pruned now and then by whoever writes, so neither table grows without bound.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import Table, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from ._events import ButtonState, ProcessedEvent
from .changes import Insert, insert_statement
from .pruning import Pruner
from .reads import Reader
from .sanitize import clean_text, sanitized_row
from .writer import Writer

__all__ = ["ButtonStates", "ProcessedEvents"]

MAX_KEY = 255
MAX_ID = 64
EVENTS: Table = ProcessedEvent.__table__  # type: ignore[assignment]
BUTTON_STATES: Table = ButtonState.__table__  # type: ignore[assignment]


def _stored_key(key: str) -> str:
    """The key as the column holds it: a key too long for it is stored as its SHA-256."""
    key = clean_text(key)
    if len(key) <= MAX_KEY:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


class ProcessedEvents:
    """Keys of the deliveries and clicks acted on (table `processed_events`)."""

    def __init__(self, read: Reader, writer: Writer) -> None:
        self._writer = writer
        self._pruner = Pruner()

    async def claim(self, key: str, *, keep_for: timedelta) -> bool:
        """True for the first claim of `key` across every replica, False for any later one.

        The claim is remembered for `keep_for` (longer than any redelivery can come); a key of
        any length can be claimed. Raises StorageUnavailable when the database cannot say.
        """
        now = datetime.now(UTC)
        row = {"key": _stored_key(key), "claimed_at": now}
        if self._pruner.due():
            expired = delete(ProcessedEvent).where(ProcessedEvent.claimed_at < now - keep_for)

            async def prune(connection: AsyncConnection) -> None:
                await connection.execute(expired)

            self._writer.housekeep(prune)

        async def first_claim(connection: AsyncConnection) -> bool:
            try:
                async with connection.begin_nested():
                    await connection.execute(insert_statement(EVENTS), row)
            except IntegrityError:
                return False
            return True

        return await self._writer.run(first_claim)


class ButtonStates:
    """The state behind the buttons of posted messages, by id, until it expires (table
    `button_states`). The state is the adapter's own text (JSON); the store does not read it."""

    def __init__(self, read: Reader, writer: Writer) -> None:
        self._read = read
        self._writer = writer
        self._pruner = Pruner()

    async def put(self, state_id: str, *, requester: str, state: str, keep_for: timedelta) -> None:
        """Keep `state` under `state_id` (at most 64 characters) for `keep_for`; returns once it
        is durable (committed, or spooled while the database is away)."""
        if len(state_id) > MAX_ID:
            raise ValueError(f"a button state id has at most {MAX_ID} characters")
        now = datetime.now(UTC)
        if self._pruner.due():
            expired = delete(ButtonState).where(ButtonState.expires_at < now)

            async def prune(connection: AsyncConnection) -> None:
                await connection.execute(expired)

            self._writer.housekeep(prune)
        values = {
            "id": state_id,
            "requester": requester,
            "created_at": now,
            "expires_at": now + keep_for,
            "payload": state,
        }
        row = sanitized_row(BUTTON_STATES, values, keys=("id",))
        await self._writer.write(Insert(BUTTON_STATES, row, ("id",)))

    async def get(self, state_id: str) -> str | None:
        """The state kept under `state_id`, or None when it is unknown or has expired."""
        if len(state_id) > MAX_ID:  # a click can carry anything; no such id was ever kept
            return None
        statement = select(ButtonState.payload, ButtonState.expires_at).where(
            ButtonState.id == clean_text(state_id)
        )

        async def read(session: AsyncSession) -> tuple[str, datetime] | None:
            row = (await session.execute(statement)).first()
            return (str(row[0]), row[1]) if row is not None else None

        found = await self._read(read)
        if found is None:
            return None
        payload, expires_at = found
        if expires_at <= datetime.now(UTC):
            return None
        return payload
