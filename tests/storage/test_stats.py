"""The stats queries: exact nearest-rank percentiles of the audit trail, summed service rollups,
and migration 0007 up and down."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from alembic import command
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import inspect

from supportbot.storage import (
    ServiceMinute,
    Store,
    alembic_config,
    histogram_quantile,
    make_sync_engine,
    upgrade,
)

from .conftest import audit_entry

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
BOUNDS = (0.01, 0.05, 0.1, 0.5, 1.0)


def nearest_rank(values: list[float], p: int) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * p / 100)) - 1]


async def test_command_percentiles_are_exact_nearest_ranks(store: Store) -> None:
    durations = {"merchant": [float(n) for n in range(1, 101)], "help": [0.4, 0.2, 9.0]}
    n = 0
    for name, values in durations.items():
        for value in values:
            n += 1
            target = "M-10001" if name == "merchant" else None
            await store.audit.record(
                audit_entry(n, command=name, duration_ms=value, at=T0, target=target)
            )
    await store.audit.record(audit_entry("late", command="help", at=T0 + timedelta(days=9)))
    await store.audit.record(audit_entry("bad", command="merchant", outcome="rejected", at=T0))

    found = await store.stats.commands(T0, T0 + timedelta(days=7))

    by_key = {(s.command, s.outcome): s for s in found}
    merchant = by_key[("merchant", "ok")]
    assert (merchant.runs, merchant.about_customer) == (100, 100)
    assert (merchant.p50_ms, merchant.p90_ms, merchant.p95_ms) == (50.0, 90.0, 95.0)
    help_ = by_key[("help", "ok")]
    assert (help_.runs, help_.about_customer, help_.p50_ms, help_.p95_ms) == (3, 0, 0.4, 9.0)
    assert by_key[("merchant", "rejected")].runs == 1
    assert [s.command for s in found][0] == "merchant"  # most runs first


@given(st.lists(st.floats(0, 10_000, allow_nan=False), min_size=1, max_size=60))
def test_the_sql_rank_rule_is_the_nearest_rank_percentile(values: list[float]) -> None:
    # The query keeps the first value whose rank r (1-based) has r*100 >= n*p.
    ordered = sorted(values)
    n = len(ordered)
    for p in (50, 90, 95):
        first = next(v for r, v in enumerate(ordered, 1) if r * 100 >= n * p)
        assert first == nearest_rank(values, p)


async def test_service_rollups_of_every_replica_add_up(store: Store) -> None:
    minute = ServiceMinute(T0, "billing", 10, 1, 0.5, [5, 3, 1, 1, 0, 0])
    await store.stats.record_service_minutes("replica-a", [minute])
    await store.stats.record_service_minutes(
        "replica-b",
        [
            ServiceMinute(T0 + timedelta(minutes=1), "billing", 10, 3, 9.0, [0, 0, 0, 0, 0, 10]),
            ServiceMinute(T0, "devices", 4, 0, 0.1, [4, 0, 0, 0, 0, 0]),
            ServiceMinute(T0 - timedelta(days=2), "devices", 99, 99, 1.0, [99, 0, 0, 0, 0, 0]),
        ],
    )
    found = await store.stats.services(T0, T0 + timedelta(days=1), BOUNDS)
    assert [(s.service, s.calls, s.errors) for s in found] == [
        ("billing", 20, 4),
        ("devices", 4, 0),
    ]
    billing = found[0]
    assert billing.p95_ms == 1000.0  # half the calls above the last bound: the bound is all we know
    assert found[1].p50_ms is not None and found[1].p50_ms <= 10.0


def test_histogram_quantile_interpolates_inside_the_bucket() -> None:
    assert histogram_quantile(0.5, (1.0, 2.0), [0, 10, 0]) == 1.5
    assert histogram_quantile(0.9, (1.0, 2.0), [10, 0, 0]) == 0.9
    assert histogram_quantile(0.5, (1.0, 2.0), [0, 0, 0]) is None
    assert histogram_quantile(0.99, (1.0, 2.0), [1, 1, 8]) == 2.0


def test_migration_0007_goes_down_and_up_again(database_url: str) -> None:
    upgrade(database_url)
    config = alembic_config(database_url)
    command.downgrade(config, "0006")
    engine = make_sync_engine(database_url)
    try:
        tables = inspect(engine).get_table_names()
        assert "leases" not in tables and "service_call_rollups" not in tables
        assert "snippets" in tables  # 0006's tables stay: 0007 comes after it
        indexes = {i["name"] for i in inspect(engine).get_indexes("audit_records")}
        assert "ix_audit_records_period" not in indexes
    finally:
        engine.dispose()
    upgrade(database_url)
    engine = make_sync_engine(database_url)
    try:
        assert "leases" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
