"""Bind and check a command's arguments before anything runs: the second stage transition.

It runs after `authorize`, so that someone who may not run a command is told so before being
taught its usage. `--help` gets the command's description; a bad argument a UsageError (see
`recover`); valid arguments a `ValidRequest` with the command's context, its deadline started.
"""

from __future__ import annotations

from collections.abc import Callable

from supportbot.core.parsing import ConvertContext, HelpRequested, bind
from supportbot.core.reply import Reply
from supportbot.core.settings import Settings
from supportbot.dispatch.chain import Next, ResolvedRequest, Step, ValidRequest
from supportbot.dispatch.context import Context
from supportbot.dispatch.help import describe_command

__all__ = ["validate_link"]


def validate_link(
    settings: Settings, new_context: Callable[[ResolvedRequest], Context]
) -> Step[ResolvedRequest, ValidRequest]:
    """The link that binds arguments the way `settings` says (the phone region) and builds each
    run's context with `new_context`."""
    convert = ConvertContext(phone_region=settings.phone_region)

    async def validate(request: ResolvedRequest, call_next: Next[ValidRequest]) -> Reply:
        """Pass the request on with its arguments and context; raise a UsageError when the
        arguments do not fit; answer `--help` with the command's description."""
        spec = request.spec
        try:
            arguments = bind(spec.name, list(spec.params), request.parsed, convert)
        except HelpRequested:
            return describe_command(spec, settings=settings, viewer_roles=request.roles)
        request.notes.arguments = arguments
        return await call_next(request.validated(arguments, new_context(request)))

    return validate
