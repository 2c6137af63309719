"""Closed interactions of yesterday (the team's day), with notes and tags, for share tests."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from supportbot.storage import Interaction, Note, Store, TagMark


def yesterday_noon(zone: ZoneInfo, now: datetime | None = None) -> datetime:
    """Noon of the day before `now` (today), in `zone`, as UTC."""
    today = (now or datetime.now(UTC)).astimezone(zone).date()
    return datetime.combine(today - timedelta(days=1), time(12), zone).astimezone(UTC)


async def closed_contact(
    store: Store,
    ref: str,
    merchant: str,
    at: datetime,
    *,
    note: str | None = "helped with the refund",
    tags: tuple[str, ...] = (),
) -> None:
    """An interaction of `merchant` opened at `at`, closed 12 minutes later, with its note."""
    await store.record.open_interaction(
        Interaction(
            ref=ref,
            channel="chat",
            agent_id="terminal:ani",
            agent_name="ani",
            opened_at=at,
            closed_at=at + timedelta(minutes=12),
            merchant_id=merchant,
            outcome="resolved",
        )
    )
    if note is not None:
        await store.record.add_note(
            Note(ref="N" + ref[1:], author_id="terminal:ani", at=at, text=note, interaction_ref=ref)
        )
    for n, tag in enumerate(tags):
        await store.record.add_tag(
            TagMark(
                key=f"{ref}-{n}",
                tag=tag,
                added_at=at,
                added_by="terminal:ani",
                interaction_ref=ref,
                merchant_id=merchant,
            )
        )
