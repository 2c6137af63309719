"""The `[kpi]` table of the configuration: business hours, SLA targets per channel, CSAT alerts
and the weekly QA review (the record's; declared here, in core, so that every way of loading
settings validates it).

In the file::

    [kpi]
    leads_channel = "C0LEADS"            # low CSAT ratings are posted here
    [kpi.business_hours]
    time_zone = "Asia/Jakarta"
    days = ["mon", "tue", "wed", "thu", "fri"]
    open = "09:00"
    close = "17:00"
    holidays = ["2026-12-25"]
    [kpi.sla.chat]
    first_response_minutes = 15
    resolution_minutes = 240
    [kpi.qa]
    criteria = { accuracy = "The answer was right", tone = "Polite and clear" }

and in the environment `SUPPORTBOT_KPI__<KEY>`. The table is `settings.KPI_TABLE`, read with
`settings.kpi_settings(settings)`.
"""

from __future__ import annotations

import re
from datetime import date, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "SLA_CHANNELS",
    "WEEKDAYS",
    "BusinessHoursSettings",
    "KpiSettings",
    "QaSettings",
    "SlaTarget",
]

#: The channels of the record (`record.desk.CHANNELS`) that can have an SLA.
SLA_CHANNELS = ("chat", "call", "email", "other")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_CRITERION = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


class BusinessHoursSettings(BaseModel):
    """When the team works: the clocks of first response and resolution run only then."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    time_zone: str = Field("Asia/Jakarta", description="Time zone of the business hours")
    days: list[str] = Field(
        default_factory=lambda: ["mon", "tue", "wed", "thu", "fri"],
        description="Working days: mon, tue, wed, thu, fri, sat, sun",
    )
    open: time = Field(time(9, 0), description="Start of the working day, local (HH:MM)")
    close: time = Field(time(17, 0), description="End of the working day, local (HH:MM)")
    holidays: list[date] = Field(
        default_factory=list, description="Dates (YYYY-MM-DD) with no business hours"
    )

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not a time zone; use an IANA name such as Asia/Jakarta or UTC"
            ) from None
        return value

    @field_validator("days")
    @classmethod
    def _days(cls, value: list[str]) -> list[str]:
        days = [day.strip().lower()[:3] for day in value]
        for typed, day in zip(value, days, strict=True):
            if day not in WEEKDAYS:
                raise ValueError(f"{typed!r} is not a weekday; use {', '.join(WEEKDAYS)}")
        if not days:
            raise ValueError("name at least one working day")
        return list(dict.fromkeys(days))

    @model_validator(mode="after")
    def _day_has_hours(self) -> BusinessHoursSettings:
        if self.close <= self.open:
            raise ValueError("close must be later than open (e.g. open 09:00, close 17:00)")
        return self


class SlaTarget(BaseModel):
    """The targets of one channel, in business minutes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    first_response_minutes: float = Field(
        15, gt=0, le=100_000, description="Business minutes from open to the first reply"
    )
    resolution_minutes: float = Field(
        480, gt=0, le=1_000_000, description="Business minutes from open to close"
    )


def _default_sla() -> dict[str, SlaTarget]:
    return {
        "chat": SlaTarget(first_response_minutes=15, resolution_minutes=240),
        "call": SlaTarget(first_response_minutes=2, resolution_minutes=60),
        "email": SlaTarget(first_response_minutes=240, resolution_minutes=1440),
        "other": SlaTarget(first_response_minutes=60, resolution_minutes=480),
    }


def _default_criteria() -> dict[str, str]:
    return {
        "accuracy": "The answer or the action was right",
        "process": "The agent followed the process (checks, notes, tags)",
        "tone": "Polite, clear and empathetic",
        "resolution": "The contact ended resolved, or with a clear next step",
    }


class QaSettings(BaseModel):
    """The weekly QA review: how the sample is drawn, who reviews, what is scored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sample_share: float = Field(
        0.10, gt=0, le=1, description="Share of each agent's closed interactions sampled"
    )
    sample_min: int = Field(2, ge=0, le=1000, description="The fewest sampled per agent")
    sample_max: int = Field(15, ge=1, le=1000, description="The most sampled per agent")
    weekday: str = Field("mon", description="Day the previous week is sampled (mon ... sun)")
    hour: int = Field(6, ge=0, le=23, description="Local hour (business time zone) it is drawn")
    reviewer_roles: list[str] = Field(
        default_factory=lambda: ["lead"], description="Roles that review (never their own)"
    )
    reviewers: list[str] = Field(
        default_factory=list,
        description="User ids (U0123ABCD, terminal:lina) the sample's reviews are assigned to "
        "in turn, never the handling agent; empty: any reviewer but that agent takes them",
    )
    criteria: dict[str, str] = Field(
        default_factory=_default_criteria,
        description="criterion -> what it checks; each scored 1-4 or n/a",
    )

    @field_validator("weekday")
    @classmethod
    def _weekday(cls, value: str) -> str:
        day = value.strip().lower()[:3]
        if day not in WEEKDAYS:
            raise ValueError(f"{value!r} is not a weekday; use {', '.join(WEEKDAYS)}")
        return day

    @field_validator("criteria")
    @classmethod
    def _criteria(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:
            raise ValueError("name at least one criterion")
        for name in value:
            if not _CRITERION.fullmatch(name):
                raise ValueError(f"criterion {name!r}: use lower-case letters, digits, - and _")
        return value

    @model_validator(mode="after")
    def _bounds(self) -> QaSettings:
        if self.sample_min > self.sample_max:
            raise ValueError("sample_min must not exceed sample_max")
        return self


class KpiSettings(BaseModel):
    """Everything the KPIs and the QA review can be told."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    business_hours: BusinessHoursSettings = Field(default_factory=BusinessHoursSettings)
    sla: dict[str, SlaTarget] = Field(
        default_factory=_default_sla,
        description="SLA targets per channel (chat, call, email, other); a channel without "
        "one has no SLA",
    )
    leads_channel: str | None = Field(
        None,
        description="Slack channel (id) where a low CSAT rating is posted; without it, or "
        "without Slack, the alert goes to the log",
    )
    csat_alert_at: int = Field(
        2, ge=1, le=5, description="A rating at or below this alerts the leads and is QA'd"
    )
    qa: QaSettings = Field(default_factory=QaSettings)

    @field_validator("sla")
    @classmethod
    def _channels(cls, value: dict[str, SlaTarget]) -> dict[str, SlaTarget]:
        for channel in value:
            if channel not in SLA_CHANNELS:
                raise ValueError(f"channel {channel!r}: use {', '.join(SLA_CHANNELS)}")
        return value
