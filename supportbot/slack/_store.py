"""Dedupe claims and button state in the bot's database, shared by every replica.

A claim is an INSERT into a table whose primary key is the claimed key: the database decides
who was first, also between replicas. Old rows are pruned now and then by whoever claims.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from supportbot.storage import Store
from supportbot.storage._events import ProcessedEvent, SlackInteraction

from ._interactions import INTERACTION_TTL_S, Interaction

__all__ = ["StoreDedupe", "StoreInteractions"]

#: How long a claim is remembered: far longer than Slack retries (three, within minutes).
CLAIM_TTL = timedelta(days=2)
PRUNE_EVERY_S = 600.0
MAX_KEY = 255


def _stored_key(key: str) -> str:
    if len(key) <= MAX_KEY:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


class _Pruner:
    def __init__(self) -> None:
        self._next = 0.0

    def due(self) -> bool:
        now = time.monotonic()
        if now < self._next:
            return False
        self._next = now + PRUNE_EVERY_S
        return True


class StoreDedupe:
    """`Dedupe` on the `processed_events` table."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._pruner = _Pruner()

    async def claim(self, key: str) -> bool:
        """True for the first claim of `key` across every replica, False after."""
        now = datetime.now(UTC)
        if self._pruner.due():
            async with self._store.engine.begin() as connection:
                await connection.execute(
                    delete(ProcessedEvent).where(ProcessedEvent.claimed_at < now - CLAIM_TTL)
                )
        try:
            async with self._store.engine.begin() as connection:
                await connection.execute(
                    insert(ProcessedEvent).values(key=_stored_key(key), claimed_at=now)
                )
        except IntegrityError:
            return False
        return True


class StoreInteractions:
    """`InteractionStore` on the `slack_interactions` table."""

    def __init__(self, store: Store, *, ttl_s: float = INTERACTION_TTL_S) -> None:
        self._store = store
        self._ttl = timedelta(seconds=ttl_s)
        self._pruner = _Pruner()

    async def save(self, interaction: Interaction) -> None:
        """Keep `interaction` until it expires."""
        now = datetime.now(UTC)
        async with self._store.engine.begin() as connection:
            if self._pruner.due():
                await connection.execute(
                    delete(SlackInteraction).where(SlackInteraction.expires_at < now)
                )
            await connection.execute(
                insert(SlackInteraction).values(
                    id=interaction.id,
                    requester=interaction.requester[:64],
                    created_at=now,
                    expires_at=now + self._ttl,
                    payload=interaction.to_json(),
                )
            )

    async def load(self, interaction_id: str) -> Interaction | None:
        """The interaction, or None when unknown or expired."""
        async with self._store.engine.connect() as connection:
            row = (
                await connection.execute(
                    select(SlackInteraction.payload, SlackInteraction.expires_at).where(
                        SlackInteraction.id == interaction_id[:64]
                    )
                )
            ).first()
        if row is None:
            return None
        payload, expires_at = row
        if expires_at <= datetime.now(UTC):
            return None
        return Interaction.from_json(payload)
