"""Find the command a message names: the chain's first stage transition.

It parses the text and looks the command up; what it finds the next links get as a
`ResolvedRequest`, and the run's notes keep the name as typed for the audit trail (also for an
unknown command). `validate` (after `authorize`) then checks the arguments.
"""

from __future__ import annotations

from supportbot.access.roles import may_run
from supportbot.core.errors import UnknownCommandError
from supportbot.core.parsing import parse_command
from supportbot.core.registry import CommandRegistry
from supportbot.core.reply import Reply
from supportbot.core.settings import Settings
from supportbot.dispatch.chain import Next, Request, ResolvedRequest, Step

__all__ = ["resolve_link"]


def resolve_link(
    registry: CommandRegistry, settings: Settings | None = None
) -> Step[Request, ResolvedRequest]:
    """The link that finds commands in `registry`; "did you mean" offers only commands the
    user may run (with `settings`), as `/help` lists only those."""

    async def resolve(request: Request, call_next: Next[ResolvedRequest]) -> Reply:
        """Pass the request on with its command; raise UnknownCommandError (with suggestions)
        for text that names none."""
        parsed = parse_command(request.message.text)
        notes = request.notes
        notes.typed_name, notes.raw_arguments = parsed.name, parsed.raw_args
        spec = registry.get(parsed.name)
        if spec is None:
            user = request.message.user
            visible = None if settings is None else (lambda s: may_run(s, user, settings))
            raise UnknownCommandError(parsed.name, registry.suggest(parsed.name, visible=visible))
        notes.spec = spec
        return await call_next(request.resolved(spec, parsed))

    return resolve
