"""The audit trail on SQLite and PostgreSQL: write, read back, filter, order, hostile text."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from supportbot.storage import AuditEntry, Store

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def entry(n: int, **changes: Any) -> AuditEntry:
    values: dict[str, Any] = {
        "request_id": f"req-{n}",
        "user_id": "U1",
        "user_name": "ani",
        "adapter": "terminal",
        "outcome": "ok",
        "duration_ms": 12.5,
        "at": T0 + timedelta(minutes=n),
        "command": "merchant",
        "arguments": "who=0812-••••-7890",
        "target": "0812-••••-7890",
    }
    values.update(changes)
    return AuditEntry(**values)


async def ids(store: Store, **filters: Any) -> list[str]:
    return [found.request_id for found in await store.audit.query(**filters)]


async def test_a_record_reads_back_exactly_as_written(store: Store) -> None:
    written = entry(
        1,
        channel="C1",
        error="RuntimeError: boom",
        service_errors=[{"service": "billing", "kind": "timeout"}],
    )
    await store.audit.record(written)
    assert await store.audit.get("req-1") == written
    assert await store.audit.get("req-404") is None


async def test_optional_fields_may_be_left_out(store: Store) -> None:
    minimal = AuditEntry(
        request_id="r", user_id="U1", adapter="test", outcome="rejected", duration_ms=0.4
    )
    await store.audit.record(minimal)
    found = await store.audit.get("r")
    assert found is not None
    assert (found.command, found.channel, found.target, found.error) == (None, None, None, None)
    assert found.at.tzinfo is not None and found.at == minimal.at


async def test_every_filter_selects_only_its_records(store: Store) -> None:
    await store.audit.record(entry(1))
    await store.audit.record(entry(2, outcome="rejected", command=None, arguments="bogus"))
    await store.audit.record(entry(3, user_id="U2", command="transaction", target="TX-1042"))
    await store.audit.record(entry(4, outcome="error"))
    assert await ids(store) == ["req-4", "req-3", "req-2", "req-1"]
    assert await ids(store, outcome="rejected") == ["req-2"]
    assert await ids(store, user="U2") == ["req-3"]
    assert await ids(store, target="TX-1042") == ["req-3"]
    assert await ids(store, command="merchant") == ["req-4", "req-1"]
    assert await ids(store, since=T0 + timedelta(minutes=2)) == ["req-4", "req-3", "req-2"]
    assert await ids(store, until=T0 + timedelta(minutes=2)) == ["req-1"]  # until is exclusive
    window = {"since": T0 + timedelta(minutes=2), "until": T0 + timedelta(minutes=4)}
    assert await ids(store, **window) == ["req-3", "req-2"]
    assert await ids(store, command="merchant", outcome="error", user="U1") == ["req-4"]
    assert await ids(store, command="nothing") == []


async def test_newest_first_and_limit_keeps_the_newest(store: Store) -> None:
    for n in (3, 1, 4, 2):  # written out of order
        await store.audit.record(entry(n))
    await store.audit.record(entry(5, at=T0))  # two at the same time: the later written first
    await store.audit.record(entry(6, at=T0))
    assert await ids(store) == ["req-4", "req-3", "req-2", "req-1", "req-6", "req-5"]
    assert await ids(store, limit=2) == ["req-4", "req-3"]
    assert await ids(store, limit=0) == []
    with pytest.raises(ValueError):
        await store.audit.query(limit=-1)


async def test_times_in_any_zone_are_stored_and_compared_as_utc(store: Store) -> None:
    jakarta = timezone(timedelta(hours=7))
    await store.audit.record(entry(1, at=datetime(2026, 11, 20, 16, 30, tzinfo=jakarta)))
    await store.audit.record(entry(2, at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC)))
    found = await store.audit.get("req-1")
    assert found is not None
    assert found.at == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    assert found.at.utcoffset() == timedelta(0)
    # 16:45+07:00 is 09:45 UTC: after req-1, before req-2.
    assert await ids(store, since=datetime(2026, 11, 20, 16, 45, tzinfo=jakarta)) == ["req-2"]


async def test_a_naive_time_is_refused_rather_than_guessed(store: Store) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await store.audit.record(entry(1, at=datetime(2026, 11, 20, 9, 0)))


async def test_a_request_id_is_recorded_once(store: Store) -> None:
    await store.audit.record(entry(1))
    with pytest.raises(IntegrityError):
        await store.audit.record(entry(1, outcome="error"))
    found = await store.audit.get("req-1")
    assert found is not None and found.outcome == "ok"


async def test_unicode_huge_and_hostile_text_is_kept(store: Store) -> None:
    hostile = "'; DROP TABLE audit_records; -- \"Toko Emas 金龙\" ☕ 🇮🇩 \\' %s %(x)s ?"
    huge = hostile + "x" * 100_000
    await store.audit.record(
        entry(1, arguments=huge, user_name="Ñam ☕", command=hostile[:100], error="e" * 50_000)
    )
    found = await store.audit.get("req-1")
    assert found is not None
    assert found.arguments == huge
    assert found.user_name == "Ñam ☕" and found.command == hostile[:100]
    assert found.error == "e" * 50_000
    assert await ids(store, command=hostile[:100]) == ["req-1"]  # and the table is still there


async def test_nul_characters_are_the_only_thing_dropped(store: Store) -> None:
    await store.audit.record(
        entry(
            1,
            arguments="a\x00b",
            error="x\x00y",
            user_name="\x00ani",
            target="M-1\x00",
            service_errors=[{"service": "bill\x00ing", "kind": "timeout"}],
        )
    )
    found = await store.audit.get("req-1")
    assert found is not None
    assert (found.arguments, found.error) == ("ab", "xy")
    assert (found.user_name, found.target) == ("ani", "M-1")
    assert found.service_errors == [{"service": "billing", "kind": "timeout"}]


async def test_undecodable_text_is_kept_with_a_replacement_character(store: Store) -> None:
    typed = b"caf\xe9 ok".decode("utf-8", "surrogateescape")  # what a bad terminal gives
    await store.audit.record(entry(1, arguments=typed))
    found = await store.audit.get("req-1")
    assert found is not None and found.arguments == "caf\ufffd ok"


async def test_overlong_short_fields_are_cut_not_lost(store: Store) -> None:
    typed = "/" + "x" * 10_000  # an unknown command name as long as a user cares to type
    await store.audit.record(entry(1, command=typed, user_name="n" * 500, target="t" * 500))
    found = await store.audit.get("req-1")
    assert found is not None
    assert found.command == typed[:100]
    assert found.user_name == "n" * 200 and found.target == "t" * 200


async def test_an_overlong_request_id_is_a_programming_error(store: Store) -> None:
    with pytest.raises(ValueError, match="request_id"):
        await store.audit.record(entry(1, request_id="r" * 65))


async def test_fifty_concurrent_writers_lose_nothing(store: Store) -> None:
    await asyncio.gather(*(store.audit.record(entry(n)) for n in range(50)))
    assert sorted(await ids(store, limit=1000)) == sorted(f"req-{n}" for n in range(50))
