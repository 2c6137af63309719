"""Migrations: create the schema, are idempotent, and match the models exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from supportbot import ConfigError
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
    assert current_revision(database_url) == head_revision()
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


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new' / 'folder' / 'bot.db'}"
    upgrade(url)  # the folder is created
    engine = make_sync_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://root@127.0.0.1/x", "not supported"),
        ("not a url at all", "not a database URL"),
        ("", "not a database URL"),
        ("postgresql://u:secret@127.0.0.1:1/nothing", "cannot use the database"),
    ],
)
def test_unusable_urls_say_what_is_wrong(url: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says) as caught:
        upgrade(url)
    assert "secret" not in str(caught.value)


def test_an_unwritable_data_folder_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ConfigError, match="cannot create the database folder"):
        upgrade(f"sqlite:///{blocker / 'sub' / 'bot.db'}")
