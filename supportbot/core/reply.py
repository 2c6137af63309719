"""The one model of what a command answers. Renderers (text, JSON, Slack Block Kit) are pure
functions of it, so a command never knows where its answer is shown.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict
from pydantic import Field as ReplyField  # pydantic's; `Field` below is ours

from .chart import Chart

__all__ = [
    "Button",
    "Chart",
    "Choice",
    "Confirmation",
    "FORM_ACTION",
    "Field",
    "Outcome",
    "Reply",
    "Section",
    "ServiceWarning",
]


class Outcome(StrEnum):
    """How a command ended; drives the exit code of `supportbot exec` and the audit record."""

    OK = "ok"
    NOT_FOUND = "not_found"
    REJECTED = "rejected"  # usage or validation error: nothing ran
    #: It ran, and what was asked cannot be done for this customer now (a suspended merchant,
    #: more than is left to refund): nothing changed. Not a usage error: exit code 1.
    REFUSED = "refused"
    DENIED = "denied"  # the user's roles do not allow it
    ERROR = "error"
    TIMEOUT = "timeout"
    PENDING = "pending"  # waiting for the user to confirm
    CANCELLED = "cancelled"
    RATE_LIMITED = "rate_limited"  # the user reached the command's rate limit: nothing ran

    @property
    def exit_code(self) -> int:
        """0 when it succeeded, 2 for usage errors, 1 when it ran and failed or found nothing."""
        if self in (Outcome.OK, Outcome.PENDING, Outcome.CANCELLED):
            return 0
        if self is Outcome.REJECTED:
            return 2
        return 1


class Field(BaseModel):
    """One labelled value. `personal` marks data masked when a reply is shared to a channel.
    Frozen: a field can be shared by many replies (`/help`'s list builds each line once)."""

    model_config = ConfigDict(frozen=True)

    label: str
    value: str
    personal: bool = False


class Section(BaseModel):
    """A group of fields, a paragraph or a list, usually the part one service contributed."""

    title: str | None = None
    source: str | None = ReplyField(None, description="The service this section came from")
    fields: list[Field] = ReplyField(default_factory=list)
    text: str | None = None
    items: list[str] = ReplyField(default_factory=list)


class ServiceWarning(BaseModel):
    """A part of the answer that is missing, and why ("billing did not answer in 3 s")."""

    service: str
    kind: str
    text: str


class Button(BaseModel):
    """A button. `action` names what a click does; `value` is a short id, never a big payload.

    `form:<command>` (`form:note`, `form:tag`, `form:alias`) opens that command's form about
    `value` (a merchant id, an interaction id, the phone number to save) where an adapter has
    forms; the terminal says the command to type instead (the reply's text or footer).
    """

    label: str
    action: str
    value: str = ""
    style: str | None = ReplyField(None, description="primary, danger or None")
    requester_only: bool = True


#: The prefix of a button's `action` that opens a command's form (see `Button`).
FORM_ACTION = "form:"


class Choice(BaseModel):
    """One entry of a pick-list: choosing it runs `command` as if the user had typed it."""

    label: str
    command: str
    description: str | None = None


class Confirmation(BaseModel):
    """A pending action waiting for the requester's yes or no."""

    token: str
    prompt: str
    expires_at: str
    #: Whether `supportbot exec --yes` may answer it (the command's `allow_yes`).
    allow_yes: bool = True


class Reply(BaseModel):
    """Everything a command answers: what to show, and how it ended."""

    title: str | None = None
    text: str | None = None
    sections: list[Section] = ReplyField(default_factory=list)
    warnings: list[ServiceWarning] = ReplyField(default_factory=list)
    choices: list[Choice] = ReplyField(default_factory=list)
    buttons: list[Button] = ReplyField(default_factory=list)
    confirmation: Confirmation | None = None
    footer: str | None = None
    #: Charts of the answer's numbers: block characters in the terminal, a PNG in Slack.
    charts: list[Chart] = ReplyField(default_factory=list)
    outcome: Outcome = Outcome.OK
    error_ref: str | None = None
    usage: str | None = None
    example: str | None = None

    def section(self, title: str | None = None, *, source: str | None = None) -> Section:
        """Append a new section and return it, for building replies step by step."""
        added = Section(title=title, source=source)
        self.sections.append(added)
        return added
