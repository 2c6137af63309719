"""The dispatcher: a chain of small middleware around the command's handler.

A run moves through three stages, each a type, so a link says in its signature what it needs:

    Request ──resolve──> ResolvedRequest ──validate──> ValidRequest ──> the handler
    (the message)         (+ the command)               (+ arguments, context)

A link is `async def link(request, call_next) -> Reply` on one stage (`Link[ValidRequest]`...);
`resolve` and `validate` are the two stage transitions (`Step[Request, ResolvedRequest]`...), so
no link can run before what it needs is known. Each link is built with the collaborators it
uses (`supportbot.dispatch.middleware`); `Links` puts them in order around the handler. What
the outer links report from the inner stages goes into the run's `RunNotes`.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, TypeVar

from supportbot.actions.runs import ConfirmedRun
from supportbot.core.message import Message
from supportbot.core.reply import Reply
from supportbot.core.request_ids import new_request_id

from .notes import RunNotes

if TYPE_CHECKING:
    from supportbot.core.parsing import ParsedCommand
    from supportbot.core.registry import CommandSpec

    from .context import Context

__all__ = [
    "Link",
    "Links",
    "Next",
    "Request",
    "ResolvedRequest",
    "Step",
    "ValidRequest",
    "chain",
    "then",
]

R = TypeVar("R")
S = TypeVar("S")


@dataclass(frozen=True, kw_only=True)
class Request:
    """One message to run, as it enters the chain."""

    message: Message
    #: The sender's roles, worked out once per run (several links ask).
    roles: frozenset[str]
    #: Set when this run is the confirmed second step of an action.
    confirmed: ConfirmedRun | None = None
    request_id: str = field(default_factory=new_request_id)
    started: float = field(default_factory=time.perf_counter)
    #: What inner links learn for the outer ones (shared by every stage of this run).
    notes: RunNotes = field(default_factory=RunNotes)

    def resolved(self, spec: CommandSpec, parsed: ParsedCommand) -> ResolvedRequest:
        """This request at the next stage: its command found."""
        return ResolvedRequest(**_fields_of(self), spec=spec, parsed=parsed)


@dataclass(frozen=True, kw_only=True)
class ResolvedRequest(Request):
    """A request whose command is known (after `resolve`)."""

    spec: CommandSpec
    #: The text split into the command and its words.
    parsed: ParsedCommand

    def validated(self, arguments: Mapping[str, Any], context: Context) -> ValidRequest:
        """This request at the last stage: its arguments bound, its context built."""
        return ValidRequest(**_fields_of(self), arguments=arguments, context=context)


@dataclass(frozen=True, kw_only=True)
class ValidRequest(ResolvedRequest):
    """A request whose arguments are bound and checked, with its command's context (after
    `validate`): what the handler needs."""

    arguments: Mapping[str, Any]
    context: Context


#: The rest of the chain from a stage on.
Next = Callable[[R], Awaitable[Reply]]
#: A link on one stage: it passes the request on (or answers itself).
Link = Callable[[R, Next[R]], Awaitable[Reply]]
#: A stage transition: it learns what the next stage holds, or answers itself.
Step = Callable[[R, Next[S]], Awaitable[Reply]]


def _fields_of(request: Request) -> dict[str, Any]:
    return {f.name: getattr(request, f.name) for f in fields(request)}


def chain(links: Sequence[Link[R]], endpoint: Next[R]) -> Next[R]:
    """Compose `links` of one stage around `endpoint`; the first link is the outermost."""
    call: Next[R] = endpoint
    for link in reversed(links):
        call = _bound(link, call)
    return call


def then(step: Step[R, S], inner: Next[S]) -> Next[R]:
    """`step`, then `inner` with what it made of the request."""

    async def run(request: R) -> Reply:
        return await step(request, inner)

    return run


def _bound(link: Link[R], call_next: Next[R]) -> Next[R]:
    async def run(request: R) -> Reply:
        return await link(request, call_next)

    return run


@dataclass(frozen=True)
class Links:
    """The links of a chain, stage by stage, outermost first."""

    #: On every request, whatever becomes of it (metrics, audit, recover, privacy).
    outer: Sequence[Link[Request]]
    #: Finds the command.
    resolve: Step[Request, ResolvedRequest]
    #: Once the command is known (authorize).
    resolved: Sequence[Link[ResolvedRequest]]
    #: Binds and checks the arguments, builds the context.
    validate: Step[ResolvedRequest, ValidRequest]
    #: Once the arguments are valid (ratelimit, confirm, execute).
    valid: Sequence[Link[ValidRequest]]

    def around(self, handler: Next[ValidRequest]) -> Next[Request]:
        """The whole chain, ending in `handler`."""
        inner = then(self.validate, chain(self.valid, handler))
        return chain(self.outer, then(self.resolve, chain(self.resolved, inner)))
