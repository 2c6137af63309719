"""`LeadsOutlet`: where the core tells the support leads something that cannot wait for them to
ask (a low CSAT rating). The Slack adapter posts to `[kpi] leads_channel`; without one (or in the
terminal) `LogLeadsOutlet` writes it to the log, so nothing is dropped silently.
"""

from __future__ import annotations

import logging
from typing import Protocol

__all__ = ["LeadsOutlet", "LogLeadsOutlet"]

log = logging.getLogger("supportbot.leads")


class LeadsOutlet(Protocol):
    """Delivers one message to the leads. Must not raise for a delivery problem it can log."""

    async def post(self, text: str) -> None:
        """Deliver `text` (already masked)."""


class LogLeadsOutlet:
    """Writes the message to the `supportbot.leads` log at WARNING."""

    async def post(self, text: str) -> None:
        """Log `text`."""
        log.warning("for the leads: %s", text)
