"""Migrations: create the schema, are idempotent, and match the models exactly."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from supportbot.storage import (
    Base,
    current_revision,
    head_revision,
    is_up_to_date,
    make_sync_engine,
    upgrade,
)


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
