"""Every sentence a user can read, as small functions, so wording stays consistent.

Add new wording here as a new function; keep each one short, concrete, and saying what to do next.
"""

from __future__ import annotations

from collections.abc import Sequence


def seconds(value: float) -> str:
    """3 -> '3 s', 0.25 -> '0.25 s'."""
    return f"{value:g} s"


# --- commands and arguments ------------------------------------------------------------------


def unknown_command(name: str, suggestions: Sequence[str]) -> str:
    """No command has this name."""
    shown = name if len(name) <= 40 else name[:40] + "…"
    if suggestions:
        options = " or ".join(f"/{s}" for s in suggestions[:3])
        return f"There is no command /{shown}. Did you mean {options}? Type /help for the list."
    return f"There is no command /{shown}. Type /help for the list of commands."


def empty_input() -> str:
    """The user sent nothing to run."""
    return "Type a command, for example /merchant 0812-3456-7890, or /help for the list."


def input_too_long(limit: int) -> str:
    """The text is longer than we accept."""
    return f"That is too long to be a command (more than {limit} characters)."


def unbalanced_quote() -> str:
    """A quote was opened and never closed."""
    return 'A quote is not closed. Put a closing " after the quoted words.'


def missing_argument(param: str) -> str:
    """A required argument was not given."""
    return f"<{param}> is missing."


def extra_arguments(extra: Sequence[str]) -> str:
    """More words than the command takes."""
    shown = " ".join(extra)
    if len(shown) > 60:
        shown = shown[:60] + "…"
    return f"Too many arguments: {shown!r} is more than this command takes."


def invalid_argument(param: str, reason: str) -> str:
    """An argument was given but is not valid."""
    return f"<{param}> {reason}"


def unknown_option(option: str, known: Sequence[str]) -> str:
    """An --option the command does not have."""
    shown = option if len(option) <= 40 else option[:40] + "…"
    if known:
        return f"Unknown option {shown}. This command takes " + ", ".join(known) + "."
    return f"Unknown option {shown}. This command takes no options."


def usage_hint(usage: str | None, example: str | None) -> str:
    """The usage line and example shown under every usage error."""
    parts = []
    if usage:
        parts.append(f"Usage: {usage}")
    if example:
        parts.append(f"Example: {example}")
    return "\n".join(parts)


# --- running commands ------------------------------------------------------------------------


def handler_failed(command: str, error_ref: str) -> str:
    """A command crashed; the reference finds the traceback in the log and audit."""
    return (
        f"/{command} failed because of a problem on our side, not with what you typed. "
        f"Nothing was changed. Error reference {error_ref}: give it to engineering."
    )


def command_timed_out(command: str, timeout_s: float, error_ref: str) -> str:
    """A command passed its deadline."""
    return (
        f"/{command} did not finish within {seconds(timeout_s)} and was stopped. "
        f"Try again; if it keeps happening, give engineering the reference {error_ref}."
    )


def not_allowed(command: str, roles: Sequence[str], how: str) -> str:
    """The user's roles do not allow the command."""
    who = ", ".join(roles) if roles else "nobody"
    return f"You are not allowed to run /{command}. It is for: {who}. {how}"


# --- services --------------------------------------------------------------------------------


def service_timeout(service: str, timeout_s: float) -> str:
    """A service did not answer in time."""
    return f"{service} did not answer in {seconds(timeout_s)}"


def service_unreachable(service: str) -> str:
    """A service could not be reached at all."""
    return f"{service} could not be reached"


def service_not_found(service: str) -> str:
    """A service says the thing does not exist."""
    return f"{service} has no record of it"


def service_bad_response(service: str) -> str:
    """A service answered with something we cannot read."""
    return f"{service} answered in an unexpected shape"


def service_http_error(service: str, status: int) -> str:
    """A service answered with an error status."""
    if status in (401, 403):
        return f"{service} refused our credentials (HTTP {status}); engineering must fix the bot's access"
    if status == 429:
        return f"{service} is rate limiting us (HTTP 429); try again in a minute"
    if status >= 500:
        return f"{service} failed (HTTP {status})"
    return f"{service} answered HTTP {status}"
