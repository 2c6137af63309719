"""The `[record]` table of the configuration: the tag taxonomy and the record's limits.

In the file::

    [record]
    max_tags_per_interaction = 5
    close_requires_reason = false
    incoming_channel = "C0CALLS"

    [record.taxonomy.settlement]
    description = "Money reaching the merchant's account"
    tags = { delayed = "Settlement later than promised", missing = "..." }

and in the environment `SUPPORTBOT_RECORD__<KEY>`. The webhook's shared secret is never here:
`webhook_secret_env` names the environment variable that holds it.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from supportbot.core.errors import ConfigError
from supportbot.core.settings import Settings
from supportbot.core.settings_sources import dotted, invalid_configuration, problems

__all__ = ["RecordSettings", "TagGroup", "record_settings"]

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


class TagGroup(BaseModel):
    """The first level of the taxonomy (`settlement`), with its tags (`delayed`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str = ""
    tags: dict[str, str] = Field(default_factory=dict, description="tag -> what it means")

    @field_validator("tags")
    @classmethod
    def _names(cls, tags: dict[str, str]) -> dict[str, str]:
        for name in tags:
            if not _NAME.fullmatch(name):
                raise ValueError(f"tag {name!r}: use lower-case letters, digits, - and _")
        return tags


DEFAULT_TAXONOMY = {
    "settlement": TagGroup(
        description="Money reaching the merchant's bank account",
        tags={
            "delayed": "Settlement later than promised",
            "missing": "A settlement the merchant cannot find",
            "amount": "A settlement of the wrong amount",
        },
    ),
    "device": TagGroup(
        description="Card terminals",
        tags={"offline": "The terminal does not connect", "broken": "Hardware fault"},
    ),
    "account": TagGroup(
        description="Logging in and the merchant's account",
        tags={"pin": "PIN reset or locked PIN", "kyc": "Identity checks", "closure": "Closing"},
    ),
    "payment": TagGroup(
        description="Customers' payments at the merchant",
        tags={
            "failed": "A payment that failed",
            "refund": "A refund asked for",
            "receipt": "A receipt not received",
            "qris": "QRIS payments",
        },
    ),
    "billing": TagGroup(
        description="The merchant's own plan and invoices",
        tags={"invoice": "An invoice question", "plan": "Changing plan"},
    ),
    "privacy": TagGroup(
        description="What must stay inside the support team",
        tags={"private": "Never shared outside support (the daily share skips it)"},
    ),
    "resolution": TagGroup(
        description="How the contact ended (the reason tag /done can require)",
        tags={
            "solved": "Answered or fixed during the contact",
            "follow-up": "We owe the merchant an answer",
            "escalated": "Handed to engineering or another team",
            "no-action": "Nothing to do",
        },
    ),
}


class RecordSettings(BaseModel):
    """Everything the support record can be told."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    taxonomy: dict[str, TagGroup] = Field(
        default_factory=lambda: dict(DEFAULT_TAXONOMY),
        description="The tags agents may use, two levels deep: group -> tag -> description",
    )
    max_tags_per_interaction: int = Field(
        5, ge=1, le=50, description="The most tags one interaction (or merchant) may carry"
    )
    close_requires_reason: bool = Field(
        False, description="Whether /done needs a tag from the reason_group (#resolution/...)"
    )
    reason_group: str = Field(
        "resolution", description="The taxonomy group whose tags say how a contact ended"
    )
    note_max_chars: int = Field(2000, ge=10, le=20000, description="The longest note")
    tag_editor_roles: list[str] = Field(
        default_factory=lambda: ["lead"], description="Roles that may add tags (/tags add)"
    )
    incoming_channel: str | None = Field(
        None,
        description="Slack channel (id) where incoming calls post the caller's card; "
        "without it they go to the log only",
    )
    on_duty_agent: str | None = Field(
        None,
        description="The user (Slack id or terminal name) incoming calls are logged for; "
        "without it, the phone system itself holds them",
    )
    webhook_secret_env: str = Field(
        "SUPPORTBOT_CALLS_SECRET",
        description="The environment variable that holds the incoming-contact webhook's "
        "shared secret; no webhook without it",
    )

    @field_validator("taxonomy")
    @classmethod
    def _groups(cls, taxonomy: dict[str, TagGroup]) -> dict[str, TagGroup]:
        for name in taxonomy:
            if not _NAME.fullmatch(name):
                raise ValueError(f"group {name!r}: use lower-case letters, digits, - and _")
        return taxonomy


def record_settings(settings: Settings) -> RecordSettings:
    """The `[record]` table of `settings` (`Settings.record`), validated: ConfigError naming
    the key and the value when wrong. The bot checks it once at start (`open_bot`).

    Every command that touches the record reads it: the last table validated is kept, and
    given back while `settings.record` is equal to what it was read from."""
    global _last
    source = settings.record
    if _last is not None and _last[0] == source:
        return _last[1]
    try:
        validated = RecordSettings.model_validate(source)
    except ValidationError as exc:
        found = problems(exc, ("record",), lambda loc: ("settings", dotted(loc)))
        raise ConfigError(invalid_configuration(found)) from None
    _last = (copy.deepcopy(source), validated)
    return validated


_last: tuple[Any, RecordSettings] | None = None
