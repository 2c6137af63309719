"""The links of the dispatcher chain, outermost first. See `supportbot._dispatch`."""

from __future__ import annotations

from .._dispatch import Middleware
from .audit import audit
from .confirm import confirm
from .metrics import metrics
from .recover import recover
from .resolve import resolve

__all__ = ["DEFAULT_CHAIN", "audit", "confirm", "metrics", "recover", "resolve"]

#: metrics counts and times every run and tags its log lines; audit sees every outcome;
#: recover turns errors into replies; resolve parses and validates; confirm holds actions until
#: their requester says yes. The handler runs at the end.
DEFAULT_CHAIN: tuple[Middleware, ...] = (metrics, audit, recover, resolve, confirm)
