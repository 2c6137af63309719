"""The write path on SQLite and PostgreSQL: group commit groups, no row is lost under 200
concurrent writers, and one failing write never undoes or blocks the others."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from supportbot.storage import EscalationEntry, Store
from tests.storage.conftest import OpenStore, audit_entry, audit_ids, run_intent


class count_commits:  # noqa: N801 - read as a function: commits = count_commits(store)
    """How many transactions the write path committed since this was made."""

    def __init__(self, store: Store) -> None:
        self._writer = store.writer
        self._start = store.writer.commits

    def __len__(self) -> int:
        return self._writer.commits - self._start


async def test_concurrent_writes_share_a_few_commits(
    database_url: str, open_store: OpenStore
) -> None:
    store = open_store(database_url)
    await store.audit.record(audit_entry("warm-up"))  # the writer's connection is open
    commits = count_commits(store)
    await asyncio.gather(*(store.audit.record(audit_entry(n)) for n in range(300)))
    assert len(await audit_ids(store)) == 301
    # 300 writes, one writer: the first commits alone, the rest wait for it and go together.
    assert 1 <= len(commits) <= 10, len(commits)


async def test_two_hundred_concurrent_writers_lose_no_row(
    database_url: str, open_store: OpenStore
) -> None:
    store = open_store(database_url)

    async def writer(n: int) -> None:
        for k in range(5):
            await store.audit.record(audit_entry(f"{n}-{k}"))
        await store.actions.record_escalation(
            EscalationEntry(
                request_id=f"req-{n}-0",
                command="help",
                escalated_by="U1",
                destination="#eng",
                delivered=True,
                at=datetime.now(UTC),
            )
        )
        await store.button_states.put(f"b{n}", requester="U1", state="{}", keep_for=timedelta(1))

    await asyncio.gather(*(writer(n) for n in range(200)))
    ids = await audit_ids(store)
    assert len(ids) == len(set(ids)) == 1000
    for n in (0, 99, 199):
        assert len(await store.actions.escalations(f"req-{n}-0")) == 1
        assert await store.button_states.get(f"b{n}") == "{}"


async def test_a_failing_job_undoes_nothing_of_the_others_in_its_group(
    database_url: str, open_store: OpenStore
) -> None:
    store = open_store(database_url)
    await store.audit.record(audit_entry("warm-up"))

    async def broken(connection: AsyncConnection) -> None:
        await store.actions.get_run("nothing")  # any work, then a bug
        raise ValueError("a bug in one job")

    commits = count_commits(store)
    results = await asyncio.gather(
        *(store.audit.record(audit_entry(n)) for n in range(20)),
        store.writer.run(broken),
        store.actions.claim_run(run_intent("k1", "r1")),
        return_exceptions=True,
    )
    assert isinstance(results[20], ValueError)
    assert [r for r in results[:20] if r is not None] == []
    claim: Any = results[21]
    assert claim.won
    assert len(await audit_ids(store)) == 21
    assert (await store.actions.get_run("k1")) is not None
    assert len(commits) <= 3  # they were grouped, and the failure did not split them apart


async def test_a_duplicate_request_id_fails_only_its_own_write(
    database_url: str, open_store: OpenStore
) -> None:
    store = open_store(database_url)
    await store.audit.record(audit_entry(1))
    results = await asyncio.gather(
        store.audit.record(audit_entry(2)),
        store.audit.record(audit_entry(1, outcome="error")),
        store.audit.record(audit_entry(3)),
        return_exceptions=True,
    )
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], IntegrityError)
    assert sorted(await audit_ids(store)) == ["req-1", "req-2", "req-3"]
    found = await store.audit.get("req-1")
    assert found is not None and found.outcome == "ok"


async def test_of_concurrent_claims_of_one_key_in_one_group_exactly_one_wins(
    database_url: str, open_store: OpenStore
) -> None:
    store = open_store(database_url)
    claims = await asyncio.gather(
        *(store.actions.claim_run(run_intent("same-key", f"r{n}")) for n in range(10))
    )
    assert sum(claim.won for claim in claims) == 1
    winner = next(claim.run for claim in claims if claim.won)
    assert {claim.run.request_id for claim in claims} == {winner.request_id}


async def test_a_row_is_written_even_when_its_caller_is_cancelled(
    database_url: str, open_store: OpenStore
) -> None:
    store = open_store(database_url)
    await store.audit.record(audit_entry("warm-up"))
    caller = asyncio.ensure_future(store.audit.record(audit_entry("abandoned")))
    await asyncio.sleep(0)  # queued
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    await store.audit.record(audit_entry("after"))  # same or a later group
    assert "req-abandoned" in await audit_ids(store)


async def test_close_commits_what_is_still_waiting(
    database_url: str, open_store: OpenStore
) -> None:
    store = open_store(database_url)
    writes = [asyncio.ensure_future(store.audit.record(audit_entry(n))) for n in range(50)]
    await asyncio.sleep(0)
    await store.close()
    await asyncio.gather(*writes)
    reopened = open_store(database_url)
    assert len(await audit_ids(reopened)) == 50
    assert reopened.health().ok and reopened.health().spooled == 0


def test_a_hot_insert_is_compiled_once_for_every_store_of_the_process() -> None:
    from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite

    from supportbot.storage._models import AuditRecord
    from supportbot.storage.hot_inserts import OneHopInserts

    table: Any = AuditRecord.__table__
    columns = frozenset(("request_id", "user_id", "adapter", "outcome", "duration_ms", "at"))
    first = OneHopInserts(SQLiteDialect_aiosqlite())._statement(table, columns)
    again = OneHopInserts(SQLiteDialect_aiosqlite())._statement(table, columns)  # another store
    assert again is first and first.sql.startswith("INSERT INTO audit_records (")
    assert columns <= set(first.names)
