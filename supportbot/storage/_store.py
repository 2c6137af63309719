"""The Store: one async engine and the repositories built on it (`store.audit`, ...)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from ._audit import AuditLog
from ._engine import make_async_engine

__all__ = ["Store", "create_store"]


class Store:
    """Everything the bot keeps in its database. Close it when done."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.audit = AuditLog(self.sessions)

    async def close(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


def create_store(url: str) -> Store:
    """A Store on `url` (see `supportbot.storage` for the accepted forms). Run `upgrade` first."""
    return Store(make_async_engine(url))
