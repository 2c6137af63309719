"""What the support record's store hands out and takes: plain frozen dataclasses, one per table,
so the rest of the code never sees an ORM object or a session."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, TypeVar

__all__ = [
    "Alias",
    "AliasConflict",
    "Interaction",
    "Note",
    "TagMark",
    "TimelineCursor",
    "TimelineEvent",
    "TimelinePage",
]

R = TypeVar("R")


def from_row(cls: type[R], row: Any) -> R:
    """The dataclass `cls` from a table row (an ORM object or a Row with those names)."""
    return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})  # type: ignore[arg-type]


@dataclass(frozen=True, kw_only=True)
class Interaction:
    """One customer contact an agent handles. Times are timezone-aware (UTC when read)."""

    ref: str
    channel: str
    agent_id: str
    opened_at: datetime
    agent_name: str = ""
    merchant_id: str | None = None
    contact: str | None = None
    contact_kind: str | None = None
    first_reply_at: datetime | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None
    outcome: str | None = None
    mood: str | None = None
    csat: int | None = None
    conversation_link: str | None = None
    source: str = "command"
    external_id: str | None = None
    duration_s: float | None = None
    request_id: str | None = None
    csat_at: datetime | None = None
    csat_by: str | None = None
    first_response_due_at: datetime | None = None
    resolution_due_at: datetime | None = None
    sla_first_response: str | None = None
    sla_resolution: str | None = None
    first_response_s: float | None = None
    resolution_s: float | None = None
    reopened_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        """Not closed yet."""
        return self.closed_at is None


@dataclass(frozen=True, kw_only=True)
class Note:
    """A note on a merchant or an interaction; `retracted_at` set once retracted."""

    ref: str
    author_id: str
    at: datetime
    text: str
    author_name: str = ""
    merchant_id: str | None = None
    interaction_ref: str | None = None
    retracted_at: datetime | None = None
    retracted_by: str | None = None


@dataclass(frozen=True, kw_only=True)
class TagMark:
    """A tag as it is on a merchant or an interaction (still on while `removed_at` is None)."""

    key: str
    tag: str
    added_at: datetime
    added_by: str
    merchant_id: str | None = None
    interaction_ref: str | None = None
    removed_at: datetime | None = None
    removed_by: str | None = None


@dataclass(frozen=True, kw_only=True)
class Alias:
    """A phone number (E.164) learnt for a merchant, and who saved it when."""

    phone: str
    merchant_id: str
    saved_by: str
    saved_at: datetime
    saved_by_name: str = ""
    request_id: str | None = None


@dataclass(frozen=True)
class AliasConflict(Exception):
    """The number already belongs to another merchant: `owner` says which, and who saved it."""

    owner: Alias


@dataclass(frozen=True, kw_only=True)
class TimelineEvent:
    """One line of a merchant's timeline. `summary` is already masked."""

    event_key: str
    merchant_id: str
    at: datetime
    kind: str
    actor_id: str
    actor_name: str = ""
    interaction_ref: str | None = None
    request_id: str | None = None
    tag: str | None = None
    summary: str = ""
    detail: dict[str, Any] | None = None
    #: Given by the database; 0 until written.
    id: int = 0


@dataclass(frozen=True)
class TimelineCursor:
    """Where a page of the timeline ended: the next page starts below this event.

    `at` None: only the event's id is known (a typed `--older 5083`); the page's query reads its
    time from the event itself."""

    at: datetime | None
    id: int

    def token(self) -> str:
        """The cursor as one short word, for an "older" button or command: the event's id."""
        return str(self.id)

    @classmethod
    def parse(cls, token: str) -> TimelineCursor:
        """The cursor of `token()` (or of the older `<iso time>~42` form, which buttons posted
        before carry); ValueError when it is not one."""
        if token.isascii() and token.isdigit():
            return cls(None, int(token))
        at, _, number = token.rpartition("~")
        when = datetime.fromisoformat(at)
        if when.tzinfo is None:
            raise ValueError("a timeline cursor has a timezone")
        return cls(when, int(number))


@dataclass(frozen=True)
class TimelinePage:
    """Events newest first, and the cursor of the next (older) page when there is one."""

    events: list[TimelineEvent] = field(default_factory=list)
    older: TimelineCursor | None = None
