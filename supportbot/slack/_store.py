"""Dedupe claims and button state in the bot's database, shared by every replica.

Slack's `Dedupe` and `InteractionStore` on the store's public repositories: `store.events`
decides which claim of a delivery came first, `store.button_states` keeps what the buttons of a
posted message do. The SQL is the store's; this module only chooses how long Slack needs each.
"""

from __future__ import annotations

from datetime import timedelta

from supportbot.storage import Store

from ._dedupe import Dedupe, MemoryDedupe
from ._interactions import INTERACTION_TTL_S, Interaction, InteractionStore, MemoryInteractions

__all__ = ["StoreDedupe", "StoreInteractions", "default_state"]

#: How long a claim is remembered: far longer than Slack retries (three, within minutes).
CLAIM_TTL = timedelta(days=2)


class StoreDedupe:
    """`Dedupe` on `store.events`."""

    def __init__(self, store: Store) -> None:
        self._events = store.events

    async def claim(self, key: str) -> bool:
        """True for the first claim of `key` across every replica, False after."""
        return await self._events.claim(key, keep_for=CLAIM_TTL)


class StoreInteractions:
    """`InteractionStore` on `store.button_states`."""

    def __init__(self, store: Store, *, ttl_s: float = INTERACTION_TTL_S) -> None:
        self._states = store.button_states
        self._ttl = timedelta(seconds=ttl_s)

    async def save(self, interaction: Interaction) -> None:
        """Keep `interaction` until it expires."""
        await self._states.put(
            interaction.id,
            requester=interaction.requester,
            state=interaction.to_json(),
            keep_for=self._ttl,
        )

    async def load(self, interaction_id: str) -> Interaction | None:
        """The interaction, or None when unknown or expired."""
        state = await self._states.get(interaction_id)
        return None if state is None else Interaction.from_json(state)


def default_state(store: Store | None) -> tuple[Dedupe, InteractionStore]:
    """Delivery dedupe and button state: in `store` when the bot has one, else in memory."""
    if store is None:
        return MemoryDedupe(), MemoryInteractions()
    return StoreDedupe(store), StoreInteractions(store)
