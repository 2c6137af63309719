"""What an adapter hands the core: who said what, where. The core never sees a Slack payload."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

__all__ = ["Message", "User"]


@dataclass(frozen=True)
class User:
    """The person behind a message, as the adapter knows them."""

    id: str
    name: str = ""
    email: str | None = None
    groups: frozenset[str] = frozenset()
    #: Someone the adapter cannot vouch for (a guest account, a user of another organisation,
    #: a user it could not look up): they get only `guest_role`, and never personal data.
    guest: bool = False

    @property
    def display(self) -> str:
        """How to name the user to other people."""
        return self.name or self.id


@dataclass(frozen=True)
class Message:
    """One command as typed. `id` identifies the delivery, so a redelivery can be recognised."""

    text: str
    user: User
    adapter: str = "terminal"
    channel: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    #: The adapter knows which channel a message comes from, so actions are held to their
    #: channels (`action_channels`); the terminal and tests run anywhere.
    channel_limited: bool = False
