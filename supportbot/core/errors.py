"""Every error supportbot raises on purpose, in one hierarchy.

::

    SupportbotError                 base: `user_message` is what a person reads, str() is for logs
    ├── ConfigError                 the configuration is invalid (file, key, reason)
    ├── PluginError                 a command plugin could not be loaded or registered
    │   └── DuplicateCommandError   two plugins define one command name
    ├── UsageError                  what the user typed cannot run (exit code 2, outcome "rejected")
    │   ├── ParseError              the text cannot be split into words (e.g. an open quote)
    │   ├── UnknownCommandError     no such command; carries "did you mean" suggestions
    │   └── ArgumentError           a missing, extra or invalid argument; carries usage and example
    ├── NotAllowed                  the user's roles do not allow the command (outcome "denied")
    └── ServiceError                an internal service call failed; `kind` is machine-readable
        ├── ServiceTimeout          no answer within the timeout                  "timeout"
        ├── ServiceUnavailable      DNS, reset, closed without an answer          "unavailable"
        │   └── ServiceRefused      connection refused: nothing listens there     "refused"
        ├── ServiceNotFound         404: the thing asked for does not exist       "not_found"
        ├── ServiceBadResponse      too large, or not the expected shape          "bad_response"
        │   └── ServiceBadJSON      a success status whose body is not JSON       "bad_json"
        ├── ServiceHTTPError        any other non-2xx status                      "http_error"
        │   ├── ServiceAuthError    401/403: our credentials were refused         "auth"
        │   ├── ServiceRateLimited  429: asked to slow down (`retry_after`)       "rate_limited"
        │   └── ServiceServerError  5xx: the service failed                       "server_error"
        ├── ServiceCircuitOpen      not tried: it keeps failing (breaker open)    "circuit_open"
        └── ServiceBusy             not tried: too many requests already waiting  "busy"

Errors that reach a user carry their wording separately from what the log needs, so a traceback
never has to be shown to explain what went wrong.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "ArgumentError",
    "ConfigError",
    "DuplicateCommandError",
    "NotAllowed",
    "ParseError",
    "PluginError",
    "ServiceAuthError",
    "ServiceBadJSON",
    "ServiceBadResponse",
    "ServiceBusy",
    "ServiceCircuitOpen",
    "ServiceError",
    "ServiceHTTPError",
    "ServiceNotFound",
    "ServiceRateLimited",
    "ServiceRefused",
    "ServiceServerError",
    "ServiceTimeout",
    "ServiceUnavailable",
    "SupportbotError",
    "UnknownCommandError",
    "UsageError",
]


class SupportbotError(Exception):
    """Base of every deliberate supportbot error.

    `user_message` is safe to show to a support agent; `str(error)` may carry detail for logs.
    """

    def __init__(self, message: str, *, user_message: str | None = None) -> None:
        super().__init__(message)
        self.user_message = user_message if user_message is not None else message


class ConfigError(SupportbotError):
    """The configuration file or environment is invalid; raised at start, before serving."""


class PluginError(SupportbotError):
    """A command plugin failed to import or to register."""


class DuplicateCommandError(PluginError):
    """Two plugins define the same command name; both places are named."""


class UsageError(SupportbotError):
    """The user's text cannot be run as typed. Answered with usage, never a traceback."""

    def __init__(
        self,
        message: str,
        *,
        usage: str | None = None,
        example: str | None = None,
        user_message: str | None = None,
    ) -> None:
        super().__init__(message, user_message=user_message)
        self.usage = usage
        self.example = example


class ParseError(UsageError):
    """The text could not be split into words (an unbalanced quote, for instance)."""


class UnknownCommandError(UsageError):
    """No command has this name; `suggestions` holds close names, best first."""

    def __init__(self, name: str, suggestions: Sequence[str] = ()) -> None:
        self.name = name
        self.suggestions = list(suggestions)
        super().__init__(f"unknown command {name!r}")


class ArgumentError(UsageError):
    """A missing, extra or invalid argument. `param` names the parameter when there is one."""

    def __init__(
        self,
        message: str,
        *,
        param: str | None = None,
        usage: str | None = None,
        example: str | None = None,
    ) -> None:
        super().__init__(message, usage=usage, example=example)
        self.param = param


class NotAllowed(SupportbotError):
    """The user may not run this command; `allowed_roles` says who may."""

    def __init__(self, command: str, allowed_roles: Sequence[str], how_to_get_access: str) -> None:
        self.command = command
        self.allowed_roles = list(allowed_roles)
        self.how_to_get_access = how_to_get_access
        super().__init__(f"not allowed to run {command!r}")


class ServiceError(SupportbotError):
    """An internal service call failed. `kind` is a stable, machine-readable name for the audit."""

    kind = "error"

    def __init__(self, service: str, message: str, *, user_message: str | None = None) -> None:
        super().__init__(f"{service}: {message}", user_message=user_message)
        self.service = service


class ServiceTimeout(ServiceError):
    """The service did not answer within its timeout."""

    kind = "timeout"


class ServiceUnavailable(ServiceError):
    """The service could not be reached at all (refused, reset, DNS)."""

    kind = "unavailable"


class ServiceNotFound(ServiceError):
    """The service answered 404: what was asked for does not exist."""

    kind = "not_found"


class ServiceBadResponse(ServiceError):
    """The service answered with a body we cannot read (not JSON, unexpected shape)."""

    kind = "bad_response"


class ServiceHTTPError(ServiceError):
    """Any other non-success status. `status` is the HTTP status code."""

    kind = "http_error"

    def __init__(
        self,
        service: str,
        status: int,
        message: str,
        *,
        user_message: str | None = None,
        payload: object = None,
    ) -> None:
        super().__init__(service, message, user_message=user_message)
        self.status = status
        #: The answer's body when it was JSON (a service's own error message), else None.
        self.payload = payload


class ServiceRefused(ServiceUnavailable):
    """Nothing accepts connections at the service's address (down, restarting, wrong port)."""

    kind = "refused"


class ServiceBadJSON(ServiceBadResponse):
    """A success status whose body is not JSON (an HTML error page from a proxy, say)."""

    kind = "bad_json"


class ServiceAuthError(ServiceHTTPError):
    """401 or 403: the service refused the bot's credentials. Engineering must fix access."""

    kind = "auth"


class ServiceRateLimited(ServiceHTTPError):
    """429: the service asks us to slow down. `retry_after` is its wait in seconds, if given."""

    kind = "rate_limited"

    def __init__(
        self,
        service: str,
        status: int,
        message: str,
        *,
        retry_after: float | None = None,
        user_message: str | None = None,
    ) -> None:
        super().__init__(service, status, message, user_message=user_message)
        self.retry_after = retry_after


class ServiceServerError(ServiceHTTPError):
    """5xx: the service failed while answering."""

    kind = "server_error"


class ServiceCircuitOpen(ServiceError):
    """Not sent: the service kept failing, so its circuit breaker is open for `retry_in` s."""

    kind = "circuit_open"

    def __init__(
        self, service: str, message: str, *, retry_in: float, user_message: str | None = None
    ) -> None:
        super().__init__(service, message, user_message=user_message)
        self.retry_in = retry_in


class ServiceBusy(ServiceError):
    """Not sent: every connection slot to the service stayed taken for the whole wait."""

    kind = "busy"
