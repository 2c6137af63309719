"""The links of the dispatcher chain, outermost first. See `supportbot.dispatch.chain`."""

from __future__ import annotations

from supportbot.dispatch.chain import Middleware

from .audit import audit
from .authorize import authorize
from .confirm import confirm
from .execute import execute
from .metrics import metrics
from .privacy import privacy
from .ratelimit import ratelimit
from .recover import recover
from .resolve import resolve, validate

__all__ = [
    "DEFAULT_CHAIN",
    "audit",
    "authorize",
    "confirm",
    "execute",
    "metrics",
    "privacy",
    "ratelimit",
    "recover",
    "resolve",
    "validate",
]

#: metrics counts and times every run and tags its log lines; audit sees every outcome;
#: recover turns errors into replies; privacy masks personal data for users whose roles may not
#: see it; resolve finds the command; authorize refuses what the user's roles (or, for an
#: action, the channel) do not allow; validate checks the arguments; ratelimit stops a user at a
#: command's limit; confirm holds actions until their requester says yes; execute runs a
#: confirmed action exactly once. The handler runs at the end.
DEFAULT_CHAIN: tuple[Middleware, ...] = (
    metrics,
    audit,
    recover,
    privacy,
    resolve,
    authorize,
    validate,
    ratelimit,
    confirm,
    execute,
)
