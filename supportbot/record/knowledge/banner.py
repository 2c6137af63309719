"""The known-issue banner of a card: the active issues read while the card's services are asked,
then matched against the merchant's facts (`ctx.knowledge.banners(merchant_id)`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from supportbot.storage import Incident, Store

from .facts import MerchantFacts
from .incidents import banner_lines, matching

__all__ = ["BannerRead"]

log = logging.getLogger("supportbot.record")


class BannerRead:
    """The known-issue banner of one card, read while the card's services are asked."""

    def __init__(self, store: Store | None, merchant_id: str | None) -> None:
        self._merchant_id = merchant_id
        self._task: asyncio.Task[tuple[list[Incident], dict[int, bool]]] | None = None
        if store is not None:
            self._task = asyncio.get_running_loop().create_task(self._read(store))

    async def _read(self, store: Store) -> tuple[list[Incident], dict[int, bool]]:
        active, ids = await store.incidents.banner_state(self._merchant_id)
        return active, dict.fromkeys(ids, True)

    async def lines(self, facts: MerchantFacts | None, *, tags: Sequence[str] = ()) -> list[str]:
        """The banner lines of the active issues matching `facts` (or only the merchant id)."""
        if self._task is None:
            return []
        try:
            active, linked = await self._task
        except Exception:  # a banner is never worth failing a card for
            log.warning("could not read the known issues for a card", exc_info=True)
            return []
        found = matching(active, facts, merchant_id=self._merchant_id, tags=tags, linked=linked)
        return banner_lines(found)

    def cancel(self) -> None:
        """Stop the read (the card ended early: no such merchant)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
