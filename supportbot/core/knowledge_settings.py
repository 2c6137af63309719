"""The `[knowledge]` table of the configuration: snippets, known issues, bulk notices (the
record's; declared here, in core, so that every way of loading settings validates it).

In the file::

    [knowledge]
    snippets_file = "snippets.toml"     # seeds the library (relative: next to supportbot.toml)
    notify_approval_over = 25           # a notice to more merchants needs a lead's approval

and in the environment `SUPPORTBOT_KNOWLEDGE__<KEY>`. The table is `settings.KNOWLEDGE_TABLE`, read
with `settings.knowledge_settings(settings)`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["BUNDLED_SNIPPETS", "KnowledgeSettings"]

#: The seed shipped with the checkout (config/snippets.toml), used when none is configured.
BUNDLED_SNIPPETS = Path(__file__).resolve().parents[2] / "config" / "snippets.toml"


class KnowledgeSettings(BaseModel):
    """Everything snippets, known issues and bulk notices can be told."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    snippets_file: Path | None = Field(
        None,
        description="TOML file whose [[snippet]] entries seed the library on start (keys "
        "already in the database are left alone); default: config/snippets.toml of the "
        "checkout. Relative paths are read against the current folder",
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
