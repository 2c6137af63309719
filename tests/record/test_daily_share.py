"""The daily share and the warning suggestions as scheduled jobs: once a day across replicas
sharing the database, retried when the post failed, and spikes read from the record."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from supportbot import Reply, load_settings
from supportbot.core.knowledge_settings import KnowledgeSettings
from supportbot.record.jobs import daily_share_job
from supportbot.record.knowledge.warnings import spike_suggestions, spikes
from supportbot.record.scheduler import Scheduler
from supportbot.storage import Interaction, Store, TagMark, create_store, upgrade

from .share_helpers import closed_contact, yesterday_noon

JAKARTA = ZoneInfo("Asia/Jakarta")
TEN_AM_WIB = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)


class Channel:
    """A poster that keeps every post (and can refuse them, as Slack may)."""

    def __init__(self, *, refuse: bool = False) -> None:
        self.posts: list[tuple[str, Reply]] = []
        self.refuse = refuse

    async def post(self, channel: str, reply: Reply, *, mention: str = "") -> str | None:
        if self.refuse:
            return None
        self.posts.append((channel, reply))
        return f"{len(self.posts)}.0"

    async def update(self, channel: str, ts: str, reply: Reply, *, mention: str = "") -> bool:
        return True


def _settings(**knowledge: object) -> object:
    return load_settings(None).with_table(
        "knowledge", {"share_channel": "C0ALL", "share_at": "09:30", **knowledge}
    )


async def test_two_replicas_sharing_the_database_post_exactly_one_share_a_day(
    database_url: str,
) -> None:
    upgrade(database_url)
    stores = [create_store(database_url) for _ in range(2)]
    channels = [Channel(), Channel()]
    clock = [TEN_AM_WIB]
    try:
        noon = yesterday_noon(JAKARTA, TEN_AM_WIB)
        for n in range(5):
            await closed_contact(stores[0], f"I-DAY{n:03d}", f"M-1000{n}", noon)
        settings = _settings()
        schedulers = [
            Scheduler(
                store,
                [daily_share_job(store, channel, settings)],  # type: ignore[arg-type]
                holder=f"replica-{n}",
                now=lambda: clock[0],
            )
            for n, (store, channel) in enumerate(zip(stores, channels, strict=True))
        ]
        for _ in range(3):
            await asyncio.gather(*(s.tick() for s in schedulers))
        posts = [post for channel in channels for post in channel.posts]
        assert len(posts) == 1 and posts[0][0] == "C0ALL"
        shared = await stores[1].shares.of_day(TEN_AM_WIB.astimezone(JAKARTA).date())
        assert shared is not None and shared.message_ts == "1.0"
        # the holder stops; the other takes over past the lease and does not share again
        clock[0] += timedelta(minutes=10)
        holder = next(s for s, c in zip(schedulers, channels, strict=True) if c.posts)
        other = next(s for s in schedulers if s is not holder)
        assert await other.tick() == []
        # the next day, one more, about another merchant
        for n in range(5, 8):
            await closed_contact(stores[0], f"I-DAY{n:03d}", f"M-1000{n}", noon + timedelta(days=1))
        clock[0] += timedelta(days=1)
        await asyncio.gather(*(s.tick() for s in schedulers))
        posts = [post for channel in channels for post in channel.posts]
        assert len(posts) == 2
        days = [
            await stores[0].shares.of_day(d.date())
            for d in (clock[0] - timedelta(days=1), clock[0])
        ]
        assert days[0] is not None and days[1] is not None
        assert days[0].merchant_id != days[1].merchant_id
    finally:
        for store in stores:
            await store.close()


async def test_nothing_is_due_before_the_configured_time(store: Store) -> None:
    channel = Channel()
    job = daily_share_job(store, channel, _settings())  # type: ignore[arg-type]
    assert job.period_of(datetime(2026, 12, 3, 2, 29, tzinfo=UTC)) is None  # 09:29 WIB
    assert job.period_of(datetime(2026, 12, 3, 2, 30, tzinfo=UTC)) == "2026-12-03"


async def test_a_share_slack_refused_is_posted_at_the_next_tick_not_picked_again(
    store: Store,
) -> None:
    noon = yesterday_noon(JAKARTA, TEN_AM_WIB)
    for n in range(4):
        await closed_contact(store, f"I-RTY{n:03d}", f"M-2000{n}", noon)
    channel = Channel(refuse=True)
    job = daily_share_job(store, channel, _settings())  # type: ignore[arg-type]
    scheduler = Scheduler(store, [job], holder="r0", now=lambda: TEN_AM_WIB)
    assert await scheduler.tick() == []  # picked, not posted: not done
    picked = await store.shares.of_day(TEN_AM_WIB.astimezone(JAKARTA).date())
    assert picked is not None and picked.message_ts is None
    channel.refuse = False
    assert await scheduler.tick() == ["daily-share:2026-12-03"]
    [(_, reply)] = channel.posts
    assert reply.footer is not None and reply.footer.startswith(picked.interaction_ref)


async def _contacts(store: Store, tag: str, at: datetime, count: int, prefix: str) -> None:
    for n in range(count):
        ref = f"I-{prefix}{n:03d}"
        await store.record.open_interaction(
            Interaction(ref=ref, channel="call", agent_id="a", opened_at=at + timedelta(minutes=n))
        )
        await store.record.add_tag(
            TagMark(key=ref, tag=tag, added_at=at, added_by="a", interaction_ref=ref)
        )


async def test_a_tag_far_above_its_usual_hour_is_suggested_once(store: Store) -> None:
    now = TEN_AM_WIB
    for week in range(1, 5):  # usually 2 an hour on Thursdays at this time
        await _contacts(
            store, "device/offline", now - timedelta(days=7 * week, minutes=50), 2, f"W{week}"
        )
    await _contacts(store, "device/offline", now - timedelta(minutes=40), 9, "NOW")
    await _contacts(store, "payment/qris", now - timedelta(minutes=40), 3, "QRS")  # too few
    settings = KnowledgeSettings(warning_channel="C0WARN")
    [spike] = await spikes(store, settings, now)
    assert (spike.tag, spike.count, spike.usual) == ("device/offline", 9, 2.0)
    channel = Channel()
    assert [s.tag for s in await spike_suggestions(store, channel, settings, now)] == [
        "device/offline"
    ]
    [(where, reply)] = channel.posts
    assert where == "C0WARN" and "9 contacts tagged #device/offline" in (reply.text or "")
    assert "usually 2.0 at this hour of the week" in (reply.text or "")
    # once the team has warned about it, no more suggestions
    await store.warnings.report(
        tag="device/offline",
        text="seen",
        by="ani",
        request_id="r1",
        at=now,
        window=timedelta(hours=1),
    )
    assert await spike_suggestions(store, channel, settings, now) == []
    # 4.5 times the usual level is not over a factor of 5
    assert await spikes(store, KnowledgeSettings(warning_spike_factor=5), now) == []
