"""The `[slack]` table of the configuration: Slack's own settings, owned by the adapter.

In the file::

    [slack]
    engineering_channel = "C0ENG"
    command_visibility = {help = "in_channel"}

and in the environment `SUPPORTBOT_SLACK__<KEY>` (`SUPPORTBOT_SLACK__API_URL=http://...`). The
keys of the release before (`slack_api_url`, `SUPPORTBOT_SLACK_API_URL`, ...) are still read,
with a deprecation line in the log at start.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from supportbot.core.settings import Settings, SettingsTable

__all__ = ["SLACK_TABLE", "SlackSettings", "Visibility", "slack_settings"]

#: Who sees an answer in a channel: the requester only, or everyone there.
Visibility = Literal["ephemeral", "in_channel"]


class SlackSettings(BaseModel):
    """Everything the Slack adapter can be told (credentials aside: they come from SLACK_*)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    api_url: str = Field(
        "https://slack.com/api/",
        description="Base URL of Slack's Web API; tests and local runs point it at a fake",
    )
    visibility: Visibility = Field(
        "ephemeral",
        description="Who sees a command's answer in a Slack channel: only the requester "
        "(ephemeral, with a Share button that masks personal data) or everyone (in_channel)",
    )
    command_visibility: dict[str, Visibility] = Field(
        default_factory=dict,
        description='visibility per command name, e.g. {help = "in_channel"}',
    )
    engineering_channel: str | None = Field(
        None,
        description="Slack channel (id or #name) where Escalate posts a failed command's "
        "context; no Escalate button without it",
    )

    prefix: str = Field(
        "",
        description='Starts every slash command\'s name in Slack ("sb-" gives /sb-merchant, '
        "/sb-help): for a workspace where other apps use the same names, or Enterprise Grid",
    )
    approvals_channel: str | None = Field(
        None,
        description="Slack channel id where approval requests are posted (the bot must be able "
        "to post there: checked at start and by doctor); unset: a DM to each approver",
    )

    @field_validator("prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        cleaned = value.strip()
        if cleaned and not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,14}", cleaned):
            raise ValueError(
                "must be up to 15 lower-case letters, digits, - or _, starting with a letter "
                'or digit, e.g. "sb-"'
            )
        return cleaned

    @field_validator("api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value if value.endswith("/") else value + "/"

    def visibility_of(self, command: str) -> Visibility:
        """Who sees the answer of `command`: its `command_visibility`, else `visibility`."""
        return self.command_visibility.get(command, self.visibility)


#: The table as the application registers it, with the top-level keys it replaces.
SLACK_TABLE = SettingsTable(
    "slack",
    SlackSettings,
    renamed={
        "slack_api_url": "api_url",
        "slack_visibility": "visibility",
        "slack_command_visibility": "command_visibility",
        "slack_engineering_channel": "engineering_channel",
    },
)


def slack_settings(settings: Settings) -> SlackSettings:
    """The `[slack]` table of `settings`, validated (ConfigError naming the key and value)."""
    return SLACK_TABLE.read(settings)
