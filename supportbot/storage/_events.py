"""Tables that adapters keep so that replicas agree: deliveries already acted on, and the state
behind buttons.

Both live in the shared database: a redelivery or a double click is recognised whichever replica
it reaches, and a button works whichever replica posted it. `store.events` and
`store.button_states` (in `_delivery_state`) are the only code that reads or writes them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ._models import Base, UTCDateTime

__all__ = ["ButtonState", "ProcessedEvent"]


class ProcessedEvent(Base):
    """One delivery or click that was acted on; the primary key makes the first claim win."""

    __tablename__ = "processed_events"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_processed_events_claimed_at", "claimed_at"),)


class ButtonState(Base):
    """What the buttons of one posted message do (their values are only this id)."""

    __tablename__ = "button_states"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    requester: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    payload: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_button_states_expires_at", "expires_at"),)
