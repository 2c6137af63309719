"""The daily share: one real support contact from the day before, shown to the whole company.

Each day at `share_at` (the team's time zone) one replica (the `daily-share` lease) picks one
interaction closed the day before that has a note, was never tagged with one of
`share_skip_tags` (nor was its merchant), and whose merchant was not shared in the last
`share_repeat_days` days. The pick is seeded by the day, so a rerun picks the same one. Its text
is masked (phones and emails by the core's masking; the merchant and the contact are left out)
and claimed in `daily_shares` before it is posted to `share_channel`: a day is shared once.
`/share-today` runs the same now.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from supportbot.core.knowledge_settings import KnowledgeSettings
from supportbot.core.masking import mask_text
from supportbot.core.posting import ChannelPoster
from supportbot.core.reply import Reply
from supportbot.storage import DailyShare, Interaction, Store

from . import wording as messages

__all__ = ["ShareOutcome", "share_day", "share_reply"]

_MERCHANT_ID = re.compile(r"\bM-\d{1,12}\b")
#: The most of the notes a share quotes.
NOTE_LIMIT = 1200


@dataclass(frozen=True)
class ShareOutcome:
    """What a run of the share did: the day's share (None: nothing qualified), whether this
    run picked it, whether it is in the channel now, and how many contacts qualified."""

    share: DailyShare | None
    picked_now: bool
    delivered: bool
    candidates: int
    channel: str | None


def _masked(text: str, region: str) -> str:
    return _MERCHANT_ID.sub("the merchant", mask_text(text, region))


def _minutes(interaction: Interaction) -> str:
    if interaction.closed_at is None:
        return "—"
    minutes = max(1, round((interaction.closed_at - interaction.opened_at).total_seconds() / 60))
    return f"{minutes} min"


async def _compose(store: Store, interaction: Interaction, region: str) -> str:
    notes = await store.record.notes(interaction_ref=interaction.ref, limit=3)
    tags = (await store.record.tags_of_interactions([interaction.ref])).get(interaction.ref, [])
    quoted = "\n".join(f"“{_masked(n.text, region)}”" for n in reversed(notes))[:NOTE_LIMIT]
    about = " · ".join(
        part
        for part in (
            f"A {interaction.channel}",
            _minutes(interaction),
            interaction.outcome or "closed",
            " ".join(f"#{t}" for t in tags),
            f"handled by {_masked(interaction.agent_name or interaction.agent_id, region)}",
        )
        if part
    )
    return f"{about}\n\n{quoted}"


def share_reply(share: DailyShare, zone: ZoneInfo) -> Reply:
    """The message of a day's share (rebuilt from what was stored, so a repost is the same)."""
    shown_day = (share.day - timedelta(days=1)).isoformat()
    return Reply(
        title=messages.share_title(shown_day),
        text=share.text,
        footer=f"{share.interaction_ref} · personal data masked · /share-today",
    )


async def share_day(
    store: Store,
    poster: ChannelPoster | None,
    settings: KnowledgeSettings,
    *,
    today: date,
    zone: ZoneInfo,
    region: str,
    by: str,
) -> ShareOutcome:
    """Share one interaction closed the day before `today` (local), once per day."""
    channel = settings.share_channel
    share = await store.shares.of_day(today)
    picked_now = False
    candidates = 0
    if share is None:
        start = datetime.combine(today - timedelta(days=1), time(0), zone).astimezone(UTC)
        end = datetime.combine(today, time(0), zone).astimezone(UTC)
        found = await store.shares.candidates(
            closed_since=start,
            closed_until=end,
            skip_tags=settings.share_skip_tags,
            not_shared_since=today - timedelta(days=settings.share_repeat_days),
        )
        candidates = len(found)
        if not found:
            return ShareOutcome(None, False, False, 0, channel)
        pick = random.Random(today.isoformat()).choice(found)
        assert pick.merchant_id is not None  # candidates are about a merchant
        claim = DailyShare(
            day=today,
            interaction_ref=pick.ref,
            merchant_id=pick.merchant_id,
            text=await _compose(store, pick, region),
            by=by,
            claimed_at=datetime.now(UTC),
        )
        picked_now = await store.shares.claim(claim)
        share = claim if picked_now else await store.shares.of_day(today)
        assert share is not None
    delivered = share.message_ts is not None
    if not delivered and poster is not None and channel is not None:
        ts = await poster.post(channel, share_reply(share, zone))
        if ts is not None:
            await store.shares.set_posted(today, channel, ts)
            delivered = True
    return ShareOutcome(share, picked_now, delivered, candidates, channel)
