"""The feature-request tables on SQLite and PostgreSQL: asks stored once per run, counted by
distinct merchant, a request shipped once, and its notices claimed once, when writers race."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import inspect

from supportbot.storage import (
    FeatureAsk,
    Notice,
    Store,
    alembic_config,
    make_sync_engine,
    upgrade,
)

REQUEST_TABLES = {"feature_requests", "feature_request_asks", "feature_request_notices"}


def ask(merchant: str, run: str, request_id: int = 0, text: str = "export to excel") -> FeatureAsk:
    return FeatureAsk(
        request_id=request_id,
        merchant_id=merchant,
        text=text,
        by="ani",
        at=datetime.now(UTC),
        run_id=run,
    )


def test_migration_0010_goes_up_and_down(database_url: str) -> None:
    upgrade(database_url)
    engine = make_sync_engine(database_url)
    try:
        assert REQUEST_TABLES <= set(inspect(engine).get_table_names())
        with engine.begin() as connection:
            config = alembic_config(database_url)
            config.attributes["connection"] = connection
            command.downgrade(config, "0007")
        names = set(inspect(engine).get_table_names())
        assert not REQUEST_TABLES & names and "incident_notices" in names
    finally:
        engine.dispose()
    upgrade(database_url)
    engine = make_sync_engine(database_url)
    try:
        assert REQUEST_TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


async def test_merchants_are_counted_once_and_a_run_adds_its_ask_once(store: Store) -> None:
    opened = await store.requests.open(title="export to excel", tag="reports", ask=ask("M-1", "r1"))
    assert opened.opened and opened.merchants == 1 and opened.request.ref == "R-1"
    second = await store.requests.add_ask(ask("M-2", "r2", 1))
    assert second is not None and second.new_merchant and second.merchants == 2
    again = await store.requests.add_ask(ask("M-1", "r3", 1))
    assert again is not None and not again.new_merchant and again.merchants == 2
    retried = await asyncio.gather(*(store.requests.add_ask(ask("M-3", "r4", 1)) for _ in range(5)))
    assert sum(1 for r in retried if r is not None and not r.repeated) == 1
    assert len(await store.requests.asks(1)) == 4
    assert await store.requests.merchants(1) == ["M-1", "M-2", "M-3"]


async def test_ranked_orders_by_distinct_merchants_then_age(store: Store) -> None:
    for n, tag in enumerate(["a", "b", "c"], start=1):
        await store.requests.open(title=f"t{n}", tag=tag, ask=ask(f"M-{n}", f"open-{n}"))
    await store.requests.add_ask(ask("M-9", "more-1", 3))
    await store.requests.add_ask(ask("M-9", "more-2", 3))  # the same merchant: still 2
    ranked = await store.requests.ranked()
    assert [(r.ref, n) for r, n in ranked] == [("R-3", 2), ("R-1", 1), ("R-2", 1)]
    assert [r.ref for r, _ in await store.requests.ranked(tag="b")] == ["R-2"]
    assert [r.ref for r in await store.requests.open_with_tag("a")] == ["R-1"]
    assert await store.requests.open_with_tag(None) == []


async def test_a_request_ships_once_and_then_takes_no_asks(store: Store) -> None:
    await store.requests.open(title="x", tag=None, ask=ask("M-1", "r1"))
    shipped = await asyncio.gather(
        *(store.requests.ship(1, by=who, note="v3") for who in ("lina", "dewi", "lina"))
    )
    assert sorted(shipped) == [False, False, True]
    found = await store.requests.get(1)
    assert found is not None and found.status == "shipped" and found.ship_note == "v3"
    assert found.shipped_by in ("lina", "dewi") and found.shipped_at is not None
    assert await store.requests.add_ask(ask("M-2", "late", 1)) is None
    assert await store.requests.add_ask(ask("M-2", "nowhere", 99)) is None
    assert await store.requests.ranked() == []
    assert [r.ref for r, _ in await store.requests.ranked(status="shipped")] == ["R-1"]


async def test_a_request_notice_is_claimed_once_and_apart_from_an_issues(store: Store) -> None:
    now = datetime.now(UTC)

    def notice(at: datetime) -> Notice:
        return Notice(
            subject_id=1,
            merchant_id="M-1",
            snippet_key="feature::shipped",
            snippet_version=1,
            idempotency_key="k-1",
            by="lina",
            claimed_at=at,
        )

    claims = await asyncio.gather(
        *(store.requests.claim_notice(notice(now.replace(microsecond=i * 1000))) for i in range(5))
    )
    assert sum(c.won for c in claims) == 1
    issue = await store.incidents.claim_notice(notice(now))  # KI-1 is another ledger
    assert issue.won
    await store.requests.notices_ledger.finish(notice(now), state="sent", detail="NT-1")
    assert await store.requests.notice_counts(1) == {"sent": 1}
    assert await store.incidents.notice_counts(1) == {"sending": 1}
