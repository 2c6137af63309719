"""Turn every failure into a reply a person can act on; tracebacks go to the log only."""

from __future__ import annotations

import logging

from supportbot.core import wording as messages
from supportbot.core.errors import NotAllowed, SupportbotError, UnknownCommandError, UsageError
from supportbot.core.reply import Outcome, Reply
from supportbot.dispatch.chain import Next, Request

log = logging.getLogger("supportbot.dispatch")


async def recover(request: Request, call_next: Next) -> Reply:
    """Run the rest of the chain; map exceptions to replies with an outcome."""
    try:
        return await call_next(request)
    except UnknownCommandError as exc:
        request.error = exc
        return Reply(
            outcome=Outcome.REJECTED, text=messages.unknown_command(exc.name, exc.suggestions)
        )
    except UsageError as exc:
        request.error = exc
        spec = request.spec
        return Reply(
            outcome=Outcome.REJECTED,
            text=exc.user_message,
            usage=exc.usage or (spec.usage if spec else None),
            # The command's own example beats one built from the argument types.
            example=spec.example if spec else exc.example,
        )
    except NotAllowed as exc:
        request.error = exc
        return Reply(
            outcome=Outcome.DENIED,
            text=messages.not_allowed(exc.command, exc.allowed_roles, exc.how_to_get_access),
        )
    except TimeoutError as exc:
        request.error = exc
        name = request.spec.name if request.spec else "command"
        timeout = request.bot.timeout_for(request.spec)
        log.warning("command /%s timed out after %ss [ref %s]", name, timeout, request.request_id)
        return Reply(
            outcome=Outcome.TIMEOUT,
            text=messages.command_timed_out(name, timeout, request.request_id),
            error_ref=request.request_id,
        )
    except SupportbotError as exc:
        # A deliberate error raised by a command (e.g. a ServiceError from unwrap()).
        request.error = exc
        log.warning("command failed [ref %s]: %s", request.request_id, exc)
        return Reply(outcome=Outcome.ERROR, text=exc.user_message, error_ref=request.request_id)
    except Exception as exc:
        request.error = exc
        name = request.spec.name if request.spec else (request.typed_name or "command")
        log.exception("command /%s crashed [ref %s]", name, request.request_id)
        return Reply(
            outcome=Outcome.ERROR,
            text=messages.handler_failed(name, request.request_id),
            error_ref=request.request_id,
        )
