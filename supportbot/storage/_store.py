"""The Store: one async engine and the repositories built on it (`store.audit`, ...)."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from ._actions import ActionLedger
from ._audit import AuditLog
from ._delivery_state import ButtonStates, ProcessedEvents
from ._engine import make_async_engine

__all__ = ["Store", "create_store"]


class Store:
    """Everything the bot keeps in its database. Close it when done (or use `async with`).

    Each table is reached through its repository: `audit`, `actions`, `events` (deliveries
    already acted on) and `button_states` (what the buttons of posted messages do). `engine` and
    `sessions` are what the repositories share: no other package writes SQL.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.audit = AuditLog(self.sessions)
        self.actions = ActionLedger(self.sessions)
        self.events = ProcessedEvents(engine)
        self.button_states = ButtonStates(engine)

    async def close(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()


def create_store(url: str) -> Store:
    """A Store on `url` (see `supportbot.storage` for the accepted forms).

    Checks without connecting what can be checked (the URL's form, the SQLite folder) and raises
    ConfigError for those. The server itself is reached on first use: call `upgrade(url)` or
    `is_up_to_date(url)` first, which raise ConfigError when it cannot be reached.
    """
    return Store(make_async_engine(url))
