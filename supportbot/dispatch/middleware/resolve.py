"""Find the command, then (after `authorize`) validate its arguments before anything runs.

Two links, so that someone who may not run a command is told so before being taught its usage:
`resolve` parses the text and finds the command; `validate` binds and checks the arguments and
builds the command's context.
"""

from __future__ import annotations

from supportbot.core.errors import UnknownCommandError
from supportbot.core.parsing import ConvertContext, HelpRequested, bind, parse_command
from supportbot.core.reply import Reply
from supportbot.dispatch.chain import Next, Request
from supportbot.dispatch.handler import build_context
from supportbot.dispatch.help import describe_command


async def resolve(request: Request, call_next: Next) -> Reply:
    """Fill in `request.spec`; raise a UsageError for text that names no command."""
    parsed = parse_command(request.message.text)
    request.typed_name = parsed.name
    request.raw_arguments = parsed.raw_args
    request.parsed = parsed
    spec = request.bot.registry.get(parsed.name)
    if spec is None:
        raise UnknownCommandError(parsed.name, request.bot.registry.suggest(parsed.name))
    request.spec = spec
    return await call_next(request)


async def validate(request: Request, call_next: Next) -> Reply:
    """Fill in `request.arguments` and `request.context`; raise a UsageError when that fails."""
    spec, parsed = request.spec, request.parsed
    assert spec is not None and parsed is not None, "resolve runs first"
    convert = ConvertContext(phone_region=request.bot.settings.phone_region)
    try:
        request.arguments = bind(spec.name, list(spec.params), parsed, convert)
    except HelpRequested:
        settings = request.bot.settings
        return describe_command(spec, settings=settings, viewer_roles=request.roles)
    request.context = build_context(request)
    return await call_next(request)
