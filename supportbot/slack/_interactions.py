"""What the buttons of one posted message mean, kept on the server.

A button's value is only the id of an `Interaction`: who asked, where, the pick-list's commands,
the reply's own buttons (a confirmation token is already an id), the masked copy to share and
the masked context to escalate. Slack caps a button value at 2000 characters, and a value is
visible to anyone who can see the message, so nothing else goes into it.

`StoreInteractions` keeps them in the shared database, so a click can land on any replica.
`MemoryInteractions` keeps them in this process (tests, or a bot without a database): clicks
then only work on the replica that posted the message, and only until it restarts.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = [
    "INTERACTION_TTL_S",
    "Interaction",
    "InteractionStore",
    "MemoryInteractions",
    "StoredButton",
    "is_interaction_id",
    "new_interaction_id",
]

#: How long the buttons of a message keep working.
INTERACTION_TTL_S = 24 * 3600.0


def new_interaction_id() -> str:
    """A fresh, unguessable interaction id (16 characters)."""
    return secrets.token_urlsafe(12)


_INTERACTION_ID = re.compile(r"[A-Za-z0-9_-]{8,64}", re.ASCII)


def is_interaction_id(value: str) -> bool:
    """Whether `value` could be an id `new_interaction_id` made (ASCII letters, digits, - _)."""
    return bool(_INTERACTION_ID.fullmatch(value))


@dataclass(frozen=True)
class StoredButton:
    """One of the reply's own buttons: what a click does, and its (short) value."""

    action: str
    value: str
    requester_only: bool = True


@dataclass(frozen=True)
class Interaction:
    """The server-side state of one posted message's buttons."""

    id: str
    requester: str
    #: How to name the requester to others ("these buttons are for Rina").
    requester_name: str = ""
    channel: str | None = None
    #: The command as typed, personal data masked (for the escalation post and the logs).
    command: str = ""
    choices: tuple[str, ...] = ()
    buttons: tuple[StoredButton, ...] = ()
    #: The masked Reply (as JSON data) that "Share in channel" posts.
    shared: dict[str, Any] | None = None
    #: The masked Reply (as JSON data) that "Escalate" posts to the engineering channel.
    escalation: dict[str, Any] | None = None
    thread_ts: str | None = None
    #: Where the answer to a form goes (the slash command's `response_url`, 30 minutes).
    response_url: str | None = None
    #: What a card's form was opened about (`_card_forms.py`): its subject (a merchant id, an
    #: interaction id, the number to save) and the tags it showed. Kept here, never in Slack.
    form: dict[str, Any] | None = None
    created_at: float = field(default_factory=time.time)

    def to_json(self) -> str:
        """The interaction as one JSON document (what the database stores)."""
        data = {
            "id": self.id,
            "requester": self.requester,
            "requester_name": self.requester_name,
            "channel": self.channel,
            "command": self.command,
            "choices": list(self.choices),
            "buttons": [
                {"action": b.action, "value": b.value, "requester_only": b.requester_only}
                for b in self.buttons
            ],
            "shared": self.shared,
            "escalation": self.escalation,
            "thread_ts": self.thread_ts,
            "response_url": self.response_url,
            "form": self.form,
            "created_at": self.created_at,
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Interaction:
        """The inverse of `to_json`."""
        data = json.loads(text)
        return cls(
            id=data["id"],
            requester=data["requester"],
            requester_name=data.get("requester_name", ""),
            channel=data.get("channel"),
            command=data.get("command", ""),
            choices=tuple(data.get("choices") or ()),
            buttons=tuple(StoredButton(**button) for button in data.get("buttons") or ()),
            shared=data.get("shared"),
            escalation=data.get("escalation"),
            thread_ts=data.get("thread_ts"),
            response_url=data.get("response_url"),
            form=data.get("form"),
            created_at=float(data.get("created_at", 0.0)),
        )


class InteractionStore(Protocol):
    """Where interactions are kept between the post and the click."""

    async def save(self, interaction: Interaction) -> None:
        """Keep `interaction` for `INTERACTION_TTL_S`."""
        ...

    async def load(self, interaction_id: str) -> Interaction | None:
        """The interaction, or None when it is unknown or expired."""
        ...


class MemoryInteractions:
    """Interactions in this process only (see the module docstring for what that limits)."""

    def __init__(
        self,
        *,
        ttl_s: float = INTERACTION_TTL_S,
        max_items: int = 20_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._ttl_s = ttl_s
        self._max_items = max_items
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()

    async def save(self, interaction: Interaction) -> None:
        """See `InteractionStore.save`."""
        self._items[interaction.id] = (self._clock() + self._ttl_s, interaction.to_json())
        while len(self._items) > self._max_items:
            self._items.popitem(last=False)

    async def load(self, interaction_id: str) -> Interaction | None:
        """See `InteractionStore.load`."""
        found = self._items.get(interaction_id)
        if found is None or found[0] <= self._clock():
            return None
        return Interaction.from_json(found[1])
