"""The SLA clocks of an interaction: first response and resolution, in business hours, against
the configured targets of its channel.

Each interaction records its state when it happens (`met`, `breached` or `pending`):

- at open, the due times of both clocks (working time from the open) and `pending`;
- at the first agent reply, the first response's business time and met or breached;
- at close, the resolution's business time and met or breached. Closing stops both clocks: a
  contact closed before any reply is judged on its first response at the close.

A `pending` clock whose due time has passed is read as `breached` by the reports (the database
does it: `storage.kpi_summary`), so a report never waits for the contact to end to show a
breach.

Only an agent's reply counts as the first response: the record marks it from the first lookup
or action an agent runs in the interaction, or from the phone system's "answered". Time the
bot or the phone system alone held a contact before any working hours began is not counted,
since the clocks run in business hours only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from supportbot.core.kpi_settings import KpiSettings, SlaTarget
from supportbot.storage import SLA_BREACHED, SLA_MET, SLA_PENDING, Interaction

from .business_hours import BusinessHours

__all__ = ["MET", "SlaClock", "SlaState"]

SlaState = Literal["met", "breached", "pending"]
MET: SlaState = SLA_MET
BREACHED: SlaState = SLA_BREACHED
PENDING: SlaState = SLA_PENDING


def _judged(at: datetime, due: datetime | None) -> SlaState | None:
    if due is None:
        return None
    return MET if at <= due else BREACHED


@dataclass(frozen=True)
class SlaClock:
    """The business hours and the targets per channel: what to record at each step."""

    hours: BusinessHours
    targets: Mapping[str, SlaTarget]

    @classmethod
    def of(cls, config: KpiSettings) -> SlaClock:
        """The clock of the `[kpi]` table."""
        return cls(BusinessHours.of(config.business_hours), dict(config.sla))

    def _due(self, channel: str, opened_at: datetime) -> tuple[datetime | None, datetime | None]:
        target = self.targets.get(channel)
        if target is None:
            return None, None
        first = self.hours.due(opened_at, timedelta(minutes=target.first_response_minutes))
        resolve = self.hours.due(opened_at, timedelta(minutes=target.resolution_minutes))
        return first, resolve

    def on_open(self, channel: str, opened_at: datetime) -> dict[str, Any]:
        """The columns an interaction opened at `opened_at` on `channel` starts with."""
        first, resolve = self._due(channel, opened_at)
        return {
            "first_response_due_at": first,
            "resolution_due_at": resolve,
            "sla_first_response": PENDING if first else None,
            "sla_resolution": PENDING if resolve else None,
        }

    def on_first_reply(self, interaction: Interaction, at: datetime) -> dict[str, Any]:
        """The columns to set when the first agent reply comes at `at`."""
        values: dict[str, Any] = {
            "first_response_s": self.hours.elapsed(interaction.opened_at, at).total_seconds()
        }
        if interaction.sla_first_response == PENDING:
            values["sla_first_response"] = _judged(at, interaction.first_response_due_at)
        return values

    def on_close(self, interaction: Interaction, at: datetime) -> dict[str, Any]:
        """The columns to set when the interaction closes at `at` (both clocks stop)."""
        values: dict[str, Any] = {
            "resolution_s": self.hours.elapsed(interaction.opened_at, at).total_seconds()
        }
        if interaction.sla_resolution == PENDING:
            values["sla_resolution"] = _judged(at, interaction.resolution_due_at)
        if interaction.first_reply_at is None and interaction.sla_first_response == PENDING:
            values["sla_first_response"] = _judged(at, interaction.first_response_due_at)
        return values

    def backfill(self, interaction: Interaction) -> dict[str, Any]:
        """Every KPI column of an interaction whose times are known (imported history)."""
        values = self.on_open(interaction.channel, interaction.opened_at)
        current = _with(interaction, values)
        if interaction.first_reply_at is not None:
            values.update(self.on_first_reply(current, interaction.first_reply_at))
            current = _with(current, values)
        if interaction.closed_at is not None:
            values.update(self.on_close(current, interaction.closed_at))
        return values


def _with(interaction: Interaction, values: Mapping[str, Any]) -> Interaction:
    return replace(interaction, **values)
