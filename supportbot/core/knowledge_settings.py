"""The `[knowledge]` table of the configuration: snippets, known issues, bulk notices (the
record's; declared here, in core, so that every way of loading settings validates it).

In the file::

    [knowledge]
    snippets_file = "snippets.toml"     # seeds the library (relative: next to supportbot.toml)
    notify_approval_over = 25           # a notice to more merchants needs a lead's approval
    warning_channel = "C0WARN"          # where /warn posts (Slack channel id)
    warning_mention = "<!subteam^S0ONCALL>"   # the stakeholder group each warning mentions
    share_channel = "C0GENERAL"         # where the daily share goes, at share_at

and in the environment `SUPPORTBOT_KNOWLEDGE__<KEY>`. The table is `settings.KNOWLEDGE_TABLE`, read
with `settings.knowledge_settings(settings)`.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["BUNDLED_SNIPPETS", "MENTION_SHAPE", "KnowledgeSettings"]

#: The seed shipped with the package (the demo's dozen snippets), used when none is configured.
BUNDLED_SNIPPETS = Path(__file__).resolve().parents[1] / "record" / "knowledge" / "snippets.toml"


#: What a warning may mention: a user group, @here, @channel or one person, in Slack's syntax.
MENTION_SHAPE = re.compile(
    r"<!subteam\^[A-Z0-9]{2,20}(\|[^<>|]{1,80})?>|<!here>|<!channel>|<@[UW][A-Z0-9]{2,20}>"
)
_CHANNEL_SHAPE = re.compile(r"[CGD][A-Z0-9]{2,20}|#?[a-z0-9][a-z0-9_-]{0,79}")
_CLOCK = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")


class KnowledgeSettings(BaseModel):
    """Everything snippets, known issues and bulk notices can be told."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    snippets_file: Path | None = Field(
        None,
        description="TOML file whose [[snippet]] entries seed the library on start (keys "
        "already in the database are left alone); default: the demo's, "
        "shipped with the package. A relative path in the config file is read against the "
        "file's folder",
    )
    seed_snippets: bool = Field(True, description="Seed the library from snippets_file on start")
    notify_approval_over: int = Field(
        25,
        ge=0,
        le=1_000_000,
        description="A bulk notice to more merchants than this needs a lead's approval after "
        "its requester confirms",
    )
    notify_max: int = Field(
        5000, ge=1, le=100_000, description="The most merchants one notice run sends to"
    )
    notify_rate_per_s: float = Field(
        10.0, gt=0, le=1000, description="Sends per second to the notifications service"
    )
    warning_channel: str | None = Field(
        None,
        description="The Slack channel /warn posts early warnings to (its id, C0123ABCD); "
        "without one a warning is recorded and shown to its sender only",
    )
    warning_mention: str = Field(
        "",
        description="Who each early warning mentions, in Slack's syntax: a user group "
        "(<!subteam^S0123ABCD>), <!here>, <!channel> or a person (<@U0123ABCD>); empty: nobody",
    )
    warning_window_min: int = Field(
        60,
        ge=1,
        le=7 * 24 * 60,
        description="A /warn about a tag within this many minutes of the last report about it "
        "adds to that warning's count (one message, edited) instead of posting again",
    )
    warning_spike_factor: float = Field(
        3.0,
        gt=1,
        le=1000,
        description="The bot suggests a warning when a tag's contacts in the last hour exceed "
        "this many times its usual level for that hour of the week",
    )
    warning_spike_min: int = Field(
        5, ge=1, le=100_000, description="The fewest contacts in an hour a suggestion needs"
    )
    warning_spike_weeks: int = Field(
        4,
        ge=1,
        le=52,
        description="How many past weeks make a tag's usual level for an hour of the week",
    )
    share_channel: str | None = Field(
        None,
        description="The Slack channel the daily share is posted to; without one the share is "
        "recorded and logged (and /share-today shows it)",
    )
    share_at: str = Field(
        "09:00",
        description="When the daily share goes out, HH:MM in the [stats] time_zone",
    )
    share_skip_tags: list[str] = Field(
        ["privacy/private"],
        max_length=50,
        description="An interaction (or merchant) ever tagged with one of these is never shared",
    )
    share_repeat_days: int = Field(
        30, ge=0, le=3650, description="No merchant is shared twice within this many days"
    )

    @field_validator("warning_mention")
    @classmethod
    def _mention(cls, value: str) -> str:
        value = value.strip()
        if value and not MENTION_SHAPE.fullmatch(value):
            raise ValueError(
                f"{value[:80]!r} is not a Slack mention; write <!subteam^S0123ABCD> for a user "
                "group, <!here>, <!channel> or <@U0123ABCD>"
            )
        return value

    @field_validator("warning_channel", "share_channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if not _CHANNEL_SHAPE.fullmatch(value):
            raise ValueError(f"{value[:80]!r} is not a Slack channel; give its id, e.g. C0123ABCD")
        return value

    @field_validator("share_at")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not _CLOCK.fullmatch(value.strip()):
            raise ValueError(f"{value[:20]!r} is not a time of day; write HH:MM, e.g. 09:00")
        return value.strip()

    @property
    def share_time(self) -> tuple[int, int]:
        """`share_at` as (hour, minute)."""
        hour, minute = self.share_at.split(":")
        return int(hour), int(minute)

    request_similarity: float = Field(
        0.6,
        gt=0,
        le=1,
        description="How alike a new feature request's words must be to an open one's with the "
        "same tag (shared words over all their words) for /request to add it there",
    )
    request_notice_snippet: str = Field(
        "feature::shipped",
        min_length=1,
        max_length=120,
        description="The snippet /request notify sends when no --snippet is given",
    )
