"""Fixtures of the storage tests: stores with a spool of the test's own and short timeouts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from supportbot.storage import AuditEntry, RunRecord, Store, WritePolicy, create_store, upgrade

#: Short enough for tests to wait out, long enough for a loaded 2-core machine to commit in.
FAST = WritePolicy(
    write_timeout_s=1.5, read_timeout_s=1.5, retry_delays_s=(0.02,), probe_every_s=0.1
)

OpenStore = Callable[..., Store]


@pytest.fixture
async def open_store(tmp_path: Path) -> AsyncIterator[OpenStore]:
    """`open_store(url, policy=FAST)`: a migrated Store spooling under tmp_path (or in
    `spool_dir`; None: beside the SQLite file); all closed after the test."""
    opened: list[Store] = []

    def make(
        url: str,
        *,
        policy: WritePolicy = FAST,
        migrate: bool = True,
        spool_dir: Path | None = tmp_path / "spool",
    ) -> Store:
        if migrate:
            upgrade(url)
        store = create_store(url, spool_dir=spool_dir, policy=policy)
        opened.append(store)
        return store

    yield make
    for store in opened:
        await store.close()


def audit_entry(n: int | str, **changes: Any) -> AuditEntry:
    """An audit entry with request id `req-<n>`."""
    values: dict[str, Any] = {
        "request_id": f"req-{n}",
        "user_id": "U1",
        "user_name": "ani",
        "adapter": "test",
        "outcome": "ok",
        "duration_ms": 1.5,
        "at": datetime.now(UTC),
        "command": "help",
    }
    values.update(changes)
    return AuditEntry(**values)


def run_intent(key: str, request_id: str | None = None) -> RunRecord:
    """The intent to run an action under idempotency key `key`."""
    now = datetime.now(UTC)
    return RunRecord(
        idempotency_key=key,
        fingerprint="f" * 64,
        command="resend-receipt",
        user_id="U1",
        request_id=request_id or "r-" + key,
        started_at=now,
        lease_until=now + timedelta(seconds=30),
    )


async def audit_ids(store: Store) -> list[str]:
    """Every request id in the audit trail (duplicates kept, to catch doubles)."""
    return [entry.request_id for entry in await store.audit.query(limit=1_000_000)]


async def until_healthy(store: Store, timeout: float = 30.0) -> None:
    """Wait until the store's writes commit again and its spool is replayed."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        health = store.health()
        if health.ok and health.spooled == 0:
            return
        if loop.time() > deadline:
            raise AssertionError(f"still degraded: {health.sentence()}")
        await asyncio.sleep(0.05)
