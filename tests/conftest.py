"""Shared fixtures: a database URL for SQLite and (when available) PostgreSQL, and a Store.

A test that takes `database_url` (or `store`) runs once per database:

- `sqlite`: a new file in the test's tmp_path (its folder not yet created);
- `postgresql`: a new schema on the server in SUPPORTBOT_TEST_POSTGRES_URL, made the URL's
  search_path and dropped after the test. `. .ci/postgres.sh` starts a throwaway server and sets
  the variable. Without it these cases are skipped, except under CI=true, where a missing server
  is a failure: CI must never skip PostgreSQL silently.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from supportbot.storage import Store, create_store, sync_url, upgrade
from tests import schema_replay
from tests.loopback import Silent, silent_server

POSTGRES_ENV = "SUPPORTBOT_TEST_POSTGRES_URL"

#: Test modules that run a whole tool (mypy over the tree, from a cold cache about 12 s; a real
#: Chromium, about 8 s). They go first, so that on parallel workers they overlap the rest
#: instead of ending the run (the browser's test, last by name, was the run's last 8 s).
START_FIRST = ("tests/test_quality.py", "tests/web/test_dashboard_browser.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Start the longest whole-tree checks first; every other test keeps its place."""
    items.sort(key=lambda item: not item.nodeid.startswith(START_FIRST))


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: one worker more than there are cores. About half of a worker's time is spent
    waiting, not computing (a child `supportbot` process, a timeout or retry waited out for
    real, a PostgreSQL server), and a third worker on 2 cores fills much of it: the whole suite
    took 128-157 s instead of 157-197 s on the 2-core machine; -n 4 took 140 s for 15 % more
    CPU. (Moving the slowest modules first as well made no difference that 4 runs could show.)"""
    return len(os.sched_getaffinity(0)) + 1


schema_replay.install()


@pytest.fixture(autouse=True)
def _migrations(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty databases get their schema replayed (`tests.schema_replay`), except in tests
    marked `real_migrations`, where Alembic runs every migration."""
    if request.node.get_closest_marker("real_migrations") is None:
        yield
        return
    with schema_replay.disabled():
        yield


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


#: One AUTOCOMMIT engine per server for making and dropping the tests' schemas, its connection
#: kept: a new one for each step started a server backend (about 5 ms) and logged in again.
_ADMINS: dict[str, Engine] = {}


def _admin(base: str) -> Engine:
    if base not in _ADMINS:
        _ADMINS[base] = create_engine(
            sync_url(base), isolation_level="AUTOCOMMIT", pool_size=1, pool_pre_ping=True
        )
    return _ADMINS[base]


def _postgres_schema_url(base: str) -> Iterator[str]:
    """A URL whose search_path is a fresh schema, dropped afterwards: one clean database a test.

    Much faster than CREATE DATABASE, and migrations and queries see only this schema.
    """
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = _admin(base)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = sync_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        if not schema_replay.recycle(connection, schema):  # kept for the next test, or:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the PostgreSQL schemas `tests.schema_replay` kept for tests that never came."""
    base, pooled = os.environ.get(POSTGRES_ENV), schema_replay.pooled()
    try:
        if base and pooled:
            with _admin(base).connect() as connection:
                for schema in pooled:
                    connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    finally:
        for engine in _ADMINS.values():
            engine.dispose()
        _ADMINS.clear()


#: The two databases every storage test runs on.
DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def empty_database(kind: str, folder: Path) -> Iterator[str]:
    """An empty database of `kind`: a new SQLite file in `folder` (not yet created), or a new
    schema on the test PostgreSQL server (skipped without one, a failure under CI)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'supportbot.db'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        if _in_ci():
            pytest.fail(f"CI is set but {POSTGRES_ENV} is not: run `. .ci/postgres.sh` first")
        pytest.skip(f"{POSTGRES_ENV} is not set (`. .ci/postgres.sh` starts a server)")
    yield from _postgres_schema_url(base)


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a new SQLite file, or a new schema on the test PostgreSQL server."""
    yield from empty_database(request.param, tmp_path / "data")


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    """A migrated Store on `database_url`, closed after the test."""
    upgrade(database_url)
    opened = create_store(database_url)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def silent() -> AsyncIterator[Silent]:
    """A service that accepts connections and never answers (see `tests.loopback`)."""
    async with silent_server() as server:
        yield server


@pytest.fixture
def closed_url() -> str:
    """A loopback URL where nothing listens any more: connection refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
