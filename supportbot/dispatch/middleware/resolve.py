"""Find the command a message names: the chain's first stage transition.

It parses the text and looks the command up; what it finds the next links get as a
`ResolvedRequest`, and the run's notes keep the name as typed for the audit trail (also for an
unknown command). `validate` (after `authorize`) then checks the arguments.
"""

from __future__ import annotations

import re

from supportbot.access.roles import may_run
from supportbot.core.errors import UnknownCommandError
from supportbot.core.parsing import ParsedCommand, parse_command
from supportbot.core.registry import CommandRegistry
from supportbot.core.reply import Reply
from supportbot.core.settings import Settings
from supportbot.dispatch.chain import Next, Request, ResolvedRequest, Step

__all__ = ["resolve_link", "subcommand"]

_WORD = re.compile(r"[a-z]{2,20}")


def subcommand(registry: CommandRegistry, parsed: ParsedCommand) -> ParsedCommand:
    """`/incident notify KI-3` as `/incident-notify KI-3` when that command exists: a command
    family shares one name in chat (and one slash command in Slack), one command per word."""
    base = registry.get(parsed.name)
    if not parsed.tokens or parsed.tokens[0].quoted:
        return parsed
    word = parsed.tokens[0].text.lower()
    name = f"{base.name if base is not None else parsed.name}-{word}"
    if not _WORD.fullmatch(word) or registry.get(name) is None:
        return parsed
    rest = parsed.raw_args[parsed.tokens[0].end :]
    return parse_command(f"/{name} {rest}")


def resolve_link(
    registry: CommandRegistry, settings: Settings | None = None
) -> Step[Request, ResolvedRequest]:
    """The link that finds commands in `registry`; "did you mean" offers only commands the
    user may run (with `settings`), as `/help` lists only those."""

    async def resolve(request: Request, call_next: Next[ResolvedRequest]) -> Reply:
        """Pass the request on with its command; raise UnknownCommandError (with suggestions)
        for text that names none."""
        parsed = subcommand(registry, parse_command(request.message.text))
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
