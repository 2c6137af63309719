"""Shared fixtures: a database URL for SQLite and (when available) PostgreSQL, and a Store.

PostgreSQL cases run when SUPPORTBOT_TEST_POSTGRES_URL is set (`. .ci/postgres.sh` starts a
throwaway server and sets it). Without it they are skipped, except under CI=true, where a missing
server is a failure: CI must never skip PostgreSQL silently.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from supportbot.storage import Store, create_store, sync_url, upgrade

POSTGRES_ENV = "SUPPORTBOT_TEST_POSTGRES_URL"


def _postgres_schema_url(base: str) -> Iterator[str]:
    """A URL whose search_path is a fresh schema, dropped afterwards: one clean database a test."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(sync_url(base), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in base else "?"
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a new SQLite file, or a new schema on the test PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'supportbot.db'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {POSTGRES_ENV} is not set: start PostgreSQL first")
        pytest.skip(f"{POSTGRES_ENV} is not set (. .ci/postgres.sh starts a server)")
    yield from _postgres_schema_url(base)


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    """A migrated Store on `database_url`."""
    upgrade(database_url)
    opened = create_store(database_url)
    try:
        yield opened
    finally:
        await opened.close()
