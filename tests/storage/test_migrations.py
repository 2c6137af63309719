"""Migrations: create the schema, are idempotent, and match the models exactly."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from supportbot.storage import (
    Base,
    alembic_config,
    current_revision,
    head_revision,
    is_up_to_date,
    make_sync_engine,
    upgrade,
)
from supportbot.storage._migrate import MIGRATIONS, quick_head_revision
from tests import schema_replay
from tests.conftest import empty_database

#: These tests are about Alembic's migrations: none of them gets the replayed schema.
pytestmark = pytest.mark.real_migrations


def test_upgrade_creates_the_schema_and_twice_is_a_no_op(database_url: str) -> None:
    assert current_revision(database_url) is None
    assert not is_up_to_date(database_url)
    upgrade(database_url)
    upgrade(database_url)
    assert current_revision(database_url) == head_revision() is not None
    assert is_up_to_date(database_url)
    engine = make_sync_engine(database_url)
    try:
        assert "audit_records" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_migrated_schema_equals_the_models(database_url: str) -> None:
    upgrade(database_url)
    engine = make_sync_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_the_audit_table_has_the_indexes_its_queries_need(database_url: str) -> None:
    upgrade(database_url)
    engine = make_sync_engine(database_url)
    try:
        inspector = inspect(engine)
        indexed = {tuple(index["column_names"]) for index in inspector.get_indexes("audit_records")}
        unique = {
            tuple(constraint["column_names"])
            for constraint in inspector.get_unique_constraints("audit_records")
        }
    finally:
        engine.dispose()
    assert {("at",), ("command",), ("outcome",), ("user_id",), ("target",)} <= indexed
    assert ("request_id",) in unique


def test_sqlite_is_set_up_for_several_processes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'folder' / 'bot.db'}"
    upgrade(url)  # the folder is created
    engine = make_sync_engine(url)
    try:
        with engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert pragma("PRAGMA busy_timeout").scalar() == 5000
    finally:
        engine.dispose()


_POSTGRES_SCHEMA = (
    "SELECT table_name, column_name, data_type, is_nullable, column_default"
    " FROM information_schema.columns WHERE table_schema = current_schema()",
    "SELECT tablename, indexname, replace(indexdef, current_schema() || '.', '')"
    " FROM pg_indexes WHERE schemaname = current_schema()",
    "SELECT c.relname, con.conname, pg_get_constraintdef(con.oid) FROM pg_constraint con"
    " JOIN pg_class c ON c.oid = con.conrelid"
    " WHERE c.relnamespace = current_schema()::regnamespace",
)


def _schema(url: str) -> list[object]:
    """Every table's columns, indexes, keys and constraints, as the catalog describes them
    (the schema's own name left out)."""
    engine = make_sync_engine(url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                queries: tuple[str, ...] = ("SELECT type, name, tbl_name, sql FROM sqlite_master",)
            else:
                queries = _POSTGRES_SCHEMA
            return [sorted(map(tuple, connection.exec_driver_sql(q).all())) for q in queries]
    finally:
        engine.dispose()


@pytest.fixture
def another_database(database_url: str, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """More empty databases of `database_url`'s kind: SQLite files, or PostgreSQL schemas."""
    kind = database_url.split(":", 1)[0]
    with ExitStack() as stack:

        def make() -> str:
            made = contextmanager(empty_database)(kind, tmp_path / uuid.uuid4().hex)
            return stack.enter_context(made)

        yield make


def test_the_suites_replayed_schema_is_the_migrated_one(
    database_url: str, another_database: Callable[[], str]
) -> None:
    """tests/schema_replay.py gives other tests' empty databases the statements the migrations
    ran: the result must be the same schema, at the same revision."""
    upgrade(database_url)  # Alembic, all the way (this module is marked real_migrations)
    migrated = _schema(database_url)
    recorded, replayed = another_database(), another_database()
    with schema_replay.isolated() as replay:
        upgrade(recorded)
        upgrade(replayed)
        upgrade(replayed)  # at head: nothing to do, nothing replayed
    assert replay.replays == 1 and len(replay.recorded) == 1
    assert _schema(recorded) == _schema(replayed) == migrated
    assert current_revision(replayed) == head_revision()


AUDIT_ROW = (
    "INSERT INTO audit_records (request_id, at, user_id, user_name, adapter, command,"
    " arguments, outcome, duration_ms) VALUES ('{}', now(), 'u', 'u', 'cli', 'help', '', 'ok', 1)"
)


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_a_recycled_postgresql_schema_comes_back_empty_and_as_migrated(
    database_url: str, another_database: Callable[[], str]
) -> None:
    """A PostgreSQL test schema still as migrated is emptied and renamed into the next empty
    one (tests/schema_replay.py): nothing of the first test's rows, ids from 1 again."""
    upgrade(database_url)
    migrated = _schema(database_url)
    with schema_replay.isolated() as replay:
        first = another_database()
        upgrade(first)  # recorded
        engine = make_sync_engine(first)
        try:
            with engine.begin() as connection:
                schema = str(connection.exec_driver_sql("SELECT current_schema()").scalar())
                connection.exec_driver_sql(AUDIT_ROW.format("r1"))
        finally:
            engine.dispose()
        admin = make_sync_engine(database_url).execution_options(isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                assert schema_replay.recycle(connection, schema)
                assert not schema_replay.recycle(connection, schema)  # gone: nothing to keep
        finally:
            admin.dispose()
        assert [len(schemas) for schemas in replay.pooled.values()] == [1]
        second = another_database()
        upgrade(second)  # takes the pooled schema's place
        assert not any(replay.pooled.values()) and replay.replays == 1
        assert _schema(second) == migrated and current_revision(second) == head_revision()
        engine = make_sync_engine(second)
        try:
            with engine.begin() as connection:
                rows = connection.exec_driver_sql("SELECT count(*) FROM audit_records").scalar()
                new_id = connection.exec_driver_sql(AUDIT_ROW.format("r2") + " RETURNING id")
                new_id = new_id.scalar()
        finally:
            engine.dispose()
        assert (rows, new_id) == (0, 1)


# --- the start without Alembic -----------------------------------------------------------


def test_the_head_read_from_the_files_is_alembics() -> None:
    assert quick_head_revision() == head_revision() is not None


def test_a_revision_file_it_cannot_read_leaves_the_head_to_alembic(tmp_path: Path) -> None:
    for path in (MIGRATIONS / "versions").glob("0*.py"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert quick_head_revision(tmp_path) == head_revision()
    (tmp_path / "0099_odd.py").write_text("REVISION = make_one()\n", encoding="utf-8")
    assert quick_head_revision(tmp_path) is None
    (tmp_path / "0099_odd.py").write_text(
        'revision = "0099"\ndown_revision = "0002"\n', encoding="utf-8"
    )
    assert quick_head_revision(tmp_path) is None  # two heads: Alembic decides


def test_a_database_behind_head_is_still_migrated(database_url: str) -> None:
    upgrade(database_url)
    engine = make_sync_engine(database_url)
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection=connection), "0003")
    finally:
        engine.dispose()
    assert current_revision(database_url) == "0003" and not is_up_to_date(database_url)
    upgrade(database_url)
    assert current_revision(database_url) == head_revision()


def test_a_start_on_a_current_database_does_not_import_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade(url)
    code = (
        "import sys\n"
        "from supportbot.storage import is_up_to_date, upgrade\n"
        f"upgrade({url!r})\n"
        f"assert is_up_to_date({url!r})\n"
        "print(sorted(m for m in sys.modules if m.startswith('alembic')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
