"""The `[stats]` table of the configuration: what the stats, time saved and dashboard assume
(the record's; declared here, in core, so that every way of loading settings validates it).

In the file::

    [stats]
    baseline_minutes = 8.75    # minutes per lookup or action before the bot
    bot_minutes = 1.3          # ... and with it
    time_zone = "Asia/Jakarta"

and in the environment `SUPPORTBOT_STATS__<KEY>`. The table is `settings.STATS_TABLE`, read with
`settings.stats_settings(settings)`. The dashboard's token is a secret and comes
only from `SUPPORTBOT_DASHBOARD_TOKEN`, never from this table.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["StatsSettings"]


class StatsSettings(BaseModel):
    """Everything the stats can be told."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    baseline_minutes: float = Field(
        8.75,
        gt=0,
        le=600,
        description="Minutes one lookup or action took before the bot (the time-saved baseline)",
    )
    bot_minutes: float = Field(
        1.3,
        ge=0,
        le=600,
        description="Minutes one lookup or action takes with the bot, all told",
    )
    time_zone: str = Field(
        "Asia/Jakarta",
        description="Time zone of the team: hours of day, days of week and 'today' in the stats",
    )
    sharp_rise: float = Field(
        2.0,
        gt=1,
        le=100,
        description="A tag is flagged as rising sharply when its count reaches this many times "
        "the previous period's (and at least sharp_rise_min contacts)",
    )
    sharp_rise_min: int = Field(
        5, ge=1, le=100_000, description="The fewest contacts a sharp rise needs"
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

    @model_validator(mode="after")
    def _saves_time(self) -> StatsSettings:
        if self.bot_minutes >= self.baseline_minutes:
            raise ValueError("bot_minutes must be less than baseline_minutes")
        return self

    @property
    def zone(self) -> ZoneInfo:
        """The team's time zone."""
        return ZoneInfo(self.time_zone)
