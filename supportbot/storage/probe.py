"""The database as another process sees it (`supportbot doctor`): does it take a write now,
and how many rows wait in the bot's spool for it?

    health = await check_writes(url, spool_dir=settings.data_dir)
    health.ok, health.problem, health.spooled, health.sentence()

The write changes nothing and is rolled back, but the database must take it: a read-only
file, a full disk or an unreachable server fails it. The spool is counted without taking its
files, so a running bot's spool is left alone.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from ._engine import make_async_engine, sqlite_path
from ._store import spool_folder
from .deadlines import abandon_after
from .faults import DatabaseTarget, describe, is_unavailable
from .health import StorageHealth
from .spool import count_spooled

__all__ = ["check_writes", "waiting_in_spool"]

#: The longest the doctor waits for the database to take its write.
PROBE_TIMEOUT_S = 5.0


async def check_writes(
    url: str, *, spool_dir: str | Path | None, timeout_s: float = PROBE_TIMEOUT_S
) -> StorageHealth:
    """Whether the database at `url` takes a write within `timeout_s`, and what waits in its
    spool under `spool_dir` (as `create_store` was given it)."""
    engine = make_async_engine(url, bound_s=timeout_s)
    sqlite = engine.dialect.name == "sqlite"
    target = DatabaseTarget("SQLite", sqlite_path(url)) if sqlite else DatabaseTarget("PostgreSQL")
    started = asyncio.get_running_loop().time()
    problem: str | None = None
    try:
        if sqlite:  # aiosqlite gives up a cancelled call at once: no task to leave behind
            async with asyncio.timeout(timeout_s):
                await _write_nothing(engine)
        else:  # psycopg waits for a frozen server to confirm a cancel: leave it behind
            await abandon_after(_write_nothing(engine), timeout_s)
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        waited = round(asyncio.get_running_loop().time() - started, 2)
        problem = describe(exc, target, waited)
    finally:
        await engine.dispose()
    return waiting_in_spool(url, spool_dir, problem=problem)


def waiting_in_spool(
    url: str, spool_dir: str | Path | None, *, problem: str | None = None
) -> StorageHealth:
    """What waits in the spool of the database at `url` (nothing is written or opened), with
    `problem` if one is known."""
    folder = spool_folder(url, spool_dir)
    return StorageHealth(
        ok=problem is None,
        problem=problem,
        spooled=count_spooled(folder),
        spool_folder=str(folder),
    )


async def _write_nothing(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        try:
            await connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
        finally:
            await connection.rollback()
