"""Parse the text, find the command, and validate its arguments before anything runs."""

from __future__ import annotations

from .._dispatch import Next, Request
from .._errors import UnknownCommandError
from .._help import describe_command
from .._invoke import build_context
from .._parsing import ConvertContext, HelpRequested, bind, parse_command
from .._reply import Reply


async def resolve(request: Request, call_next: Next) -> Reply:
    """Fill in `request.spec` and `request.arguments`; raise a UsageError when that fails."""
    parsed = parse_command(request.message.text)
    request.typed_name = parsed.name
    request.raw_arguments = parsed.raw_args
    spec = request.bot.registry.get(parsed.name)
    if spec is None:
        raise UnknownCommandError(parsed.name, request.bot.registry.suggest(parsed.name))
    request.spec = spec
    convert = ConvertContext(phone_region=request.bot.settings.phone_region)
    try:
        request.arguments = bind(spec.name, list(spec.params), parsed, convert)
    except HelpRequested:
        return describe_command(spec)
    request.context = build_context(request)
    return await call_next(request)
