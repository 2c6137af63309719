"""The dispatcher: a chain of small middleware around the command's handler.

Each link is `async def link(request, call_next) -> Reply`, lives in
`supportbot/dispatch/middleware/`, and can be tested alone. A new cross-cutting concern is a new
link, not an edit to every command.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from supportbot.core.message import Message
from supportbot.core.reply import Reply

if TYPE_CHECKING:
    from supportbot.core.parsing import ParsedCommand
    from supportbot.core.registry import CommandSpec

    from .bot import Bot
    from .context import Context

__all__ = ["Middleware", "Next", "Request", "new_request_id", "run_chain"]


def new_request_id() -> str:
    """A short id for one command run; shown to users as the error reference."""
    return uuid.uuid4().hex[:12]


@dataclass
class Request:
    """One command run as it moves through the chain; links fill in what they learn."""

    bot: Bot
    message: Message
    request_id: str = field(default_factory=new_request_id)
    started: float = field(default_factory=time.perf_counter)
    #: Set when this run is the confirmed second step of an action.
    confirmed_token: str | None = None
    #: The action's idempotency key (the confirmation's; a retry reuses the failed run's).
    idempotency_key: str | None = None
    #: Who approved this run of an action that needs approval.
    approved_by: str | None = None
    spec: CommandSpec | None = None
    #: The command name as typed (also for unknown commands), for the audit trail.
    typed_name: str | None = None
    raw_arguments: str = ""
    #: The text split into the command and its words (by `resolve`).
    parsed: ParsedCommand | None = None
    arguments: dict[str, Any] = field(default_factory=dict)
    context: Context | None = None
    #: The exception that ended the run, if any (for the log and the audit record).
    error: BaseException | None = None
    _roles: frozenset[str] | None = field(default=None, repr=False)

    @property
    def roles(self) -> frozenset[str]:
        """The sender's roles, worked out once per run (several links ask)."""
        if self._roles is None:
            from supportbot.access.roles import roles_of

            self._roles = roles_of(self.message.user, self.bot.settings)
        return self._roles


Next = Callable[[Request], Awaitable[Reply]]
Middleware = Callable[[Request, Next], Awaitable[Reply]]


def run_chain(links: Sequence[Middleware], endpoint: Next) -> Next:
    """Compose `links` around `endpoint`; the first link is the outermost."""
    call: Next = endpoint
    for link in reversed(links):
        call = _bind(link, call)
    return call


def _bind(link: Middleware, call_next: Next) -> Next:
    async def step(request: Request) -> Reply:
        return await link(request, call_next)

    return step
