"""`supportbot record export`: one row per interaction (its tags, times and outcome), or one
merchant's timeline, as CSV or JSON, personal data masked unless asked otherwise by someone
allowed to see it."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from supportbot.core.masking import mask_text
from supportbot.storage import Interaction, Store, TimelineEvent, spreadsheet_safe

__all__ = [
    "INTERACTION_COLUMNS",
    "TIMELINE_COLUMNS",
    "export_interactions",
    "export_timeline",
    "render",
]

INTERACTION_COLUMNS = (
    "ref",
    "channel",
    "merchant_id",
    "contact",
    "contact_kind",
    "agent_id",
    "agent_name",
    "opened_at",
    "first_reply_at",
    "closed_at",
    "first_reply_s",
    "handle_s",
    "duration_s",
    "outcome",
    "mood",
    "csat",
    "tags",
    "source",
)
TIMELINE_COLUMNS = ("at", "kind", "actor_name", "interaction_ref", "tag", "summary", "request_id")


def _when(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def _seconds(start: datetime | None, end: datetime | None) -> float | str:
    return round((end - start).total_seconds(), 1) if start and end else ""


def interaction_row(
    interaction: Interaction, tags: Sequence[str], *, unmasked: bool, region: str
) -> dict[str, Any]:
    """One exported row: times in ISO 8601 UTC, tags joined by spaces, contact masked."""
    contact = interaction.contact or ""
    if not unmasked and interaction.contact_kind != "merchant_id":
        contact = mask_text(contact, region)
    return {
        "ref": interaction.ref,
        "channel": interaction.channel,
        "merchant_id": interaction.merchant_id or "",
        "contact": contact,
        "contact_kind": interaction.contact_kind or "",
        "agent_id": interaction.agent_id,
        "agent_name": interaction.agent_name,
        "opened_at": _when(interaction.opened_at),
        "first_reply_at": _when(interaction.first_reply_at),
        "closed_at": _when(interaction.closed_at),
        "first_reply_s": _seconds(interaction.opened_at, interaction.first_reply_at),
        "handle_s": _seconds(interaction.opened_at, interaction.closed_at),
        "duration_s": interaction.duration_s if interaction.duration_s is not None else "",
        "outcome": interaction.outcome or "",
        "mood": interaction.mood or "",
        "csat": interaction.csat if interaction.csat is not None else "",
        "tags": " ".join(tags),
        "source": interaction.source,
    }


async def export_interactions(
    store: Store, *, since: datetime, unmasked: bool = False, region: str = "ID"
) -> list[dict[str, Any]]:
    """Every interaction opened since `since`, oldest first, one row each."""
    found = await store.record.interactions(since=since)
    tags = await store.record.tags_of_interactions([i.ref for i in found])
    return [
        interaction_row(i, tags.get(i.ref, []), unmasked=unmasked, region=region) for i in found
    ]


async def export_timeline(
    store: Store, merchant_id: str, *, since: datetime, unmasked: bool = False, region: str = "ID"
) -> list[dict[str, Any]]:
    """The merchant's timeline since `since`, newest first (summaries are stored masked)."""
    rows: list[dict[str, Any]] = []
    page = await store.record.timeline(merchant_id, since=since, limit=500)
    while True:
        rows += [_event_row(e) for e in page.events]
        if page.older is None:
            return rows
        page = await store.record.timeline(merchant_id, since=since, before=page.older, limit=500)


def _event_row(event: TimelineEvent) -> dict[str, Any]:
    return {
        "at": event.at.isoformat(),
        "kind": event.kind,
        "actor_name": event.actor_name or event.actor_id,
        "interaction_ref": event.interaction_ref or "",
        "tag": event.tag or "",
        "summary": event.summary,
        "request_id": event.request_id or "",
    }


def _cell(value: Any) -> Any:
    return spreadsheet_safe(value) if isinstance(value, str) else value


def render(rows: list[dict[str, Any]], columns: Sequence[str], fmt: str) -> str:
    """The rows as CSV (a header, formula-looking cells quoted) or JSON (a list of objects)."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _cell(row.get(key, "")) for key in columns})
    return out.getvalue()
