"""The reply to the exception that ended a run: what a person reads, with an outcome.

One plain function, so that `recover` (for every run) and `execute` (which must record how an
action ended before the reply goes out) answer the same error the same way. Tracebacks go to
the log only.
"""

from __future__ import annotations

import logging

from supportbot.core import wording as messages
from supportbot.core.errors import (
    ArgumentError,
    NotAllowed,
    SupportbotError,
    UnknownCommandError,
    UsageError,
)
from supportbot.core.reply import Outcome, Reply

from .chain import Request

__all__ = ["error_reply"]

log = logging.getLogger("supportbot.dispatch")


def error_reply(request: Request, error: Exception, *, timeout_s: float) -> Reply:
    """The answer to `error`, which ended `request`; noted in the run's notes for the audit.

    `timeout_s` is the deadline the run had, for a TimeoutError's answer.
    """
    notes = request.notes
    notes.error = error
    spec, ref = notes.spec, request.request_id
    if isinstance(error, UnknownCommandError):
        text = messages.unknown_command(error.name, error.suggestions)
        return Reply(outcome=Outcome.REJECTED, text=text)
    if isinstance(error, UsageError):
        return Reply(
            outcome=Outcome.REJECTED,
            text=error.user_message,
            usage=error.usage or (spec.usage if spec else None),
            example=_example(error, spec.example if spec else None),
        )
    if isinstance(error, NotAllowed):
        text = messages.not_allowed(error.command, error.allowed_roles, error.how_to_get_access)
        return Reply(outcome=Outcome.DENIED, text=text)
    if isinstance(error, TimeoutError):
        name = spec.name if spec else "command"
        log.warning("command /%s timed out after %ss [ref %s]", name, timeout_s, ref)
        text = messages.command_timed_out(name, timeout_s, ref)
        return Reply(outcome=Outcome.TIMEOUT, text=text, error_ref=ref)
    if isinstance(error, SupportbotError):
        # A deliberate error raised by a command (e.g. a ServiceError from unwrap()).
        log.warning("command failed [ref %s]: %s", ref, error)
        return Reply(outcome=Outcome.ERROR, text=error.user_message, error_ref=ref)
    name = notes.command_name or "command"
    log.error("command /%s crashed [ref %s]", name, ref, exc_info=error)
    return Reply(outcome=Outcome.ERROR, text=messages.handler_failed(name, ref), error_ref=ref)


def _example(error: UsageError, declared: str | None) -> str | None:
    """The example a refusal shows. The command's own example beats one built from the argument
    types (an ArgumentError's); an example the handler gave for this very refusal (the line
    to type with the values it still needs) beats the command's."""
    if error.example is None or isinstance(error, ArgumentError):
        return declared or error.example
    return error.example
