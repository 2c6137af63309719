"""Migrations: create the schema, are idempotent, and match the models exactly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
