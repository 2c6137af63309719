"""One URL from the user: the drivers derived from it, and unusable URLs as clear errors."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from supportbot import ConfigError
from supportbot.storage import async_url, create_store, current_revision, sync_url, upgrade


@pytest.mark.parametrize(
    ("given", "for_alembic", "for_the_bot"),
    [
        ("sqlite:///data/supportbot.db", "sqlite:///data/supportbot.db",
         "sqlite+aiosqlite:///data/supportbot.db"),
        ("sqlite:////srv/bot.db", "sqlite:////srv/bot.db", "sqlite+aiosqlite:////srv/bot.db"),
        ("postgresql://u:p@db:5432/bot", "postgresql+psycopg://u:p@db:5432/bot",
         "postgresql+psycopg://u:p@db:5432/bot"),
        ("postgres://u:p@db/bot", "postgresql+psycopg://u:p@db/bot",
         "postgresql+psycopg://u:p@db/bot"),
        ("postgresql+psycopg://u:p@db/bot?sslmode=require",
         "postgresql+psycopg://u:p@db/bot?sslmode=require",
         "postgresql+psycopg://u:p@db/bot?sslmode=require"),
    ],
)  # fmt: skip
def test_one_url_gives_the_sync_and_the_async_driver(
    given: str, for_alembic: str, for_the_bot: str
) -> None:
    assert sync_url(given).render_as_string(hide_password=False) == for_alembic
    assert async_url(given).render_as_string(hide_password=False) == for_the_bot


def test_a_password_with_special_characters_survives() -> None:
    url = "postgresql://bot:p%40ss%25w0rd@db/bot"
    assert sync_url(url).password == "p@ss%w0rd"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("mysql://root:secret@127.0.0.1/x", "does not support"),
        ("postgresql+asyncpg://u:secret@db/x", "does not support"),
        ("not a url at all", "is not a URL supportbot can read"),
        ("", "is not a URL supportbot can read"),
        ("sqlite://", "is not a plain SQLite file path"),
        ("sqlite:///:memory:", "is not a plain SQLite file path"),
        ("postgresql://u:secret@db", "names no database"),
    ],
)
def test_urls_that_cannot_work_say_what_to_change(url: str, says: str) -> None:
    for use in (upgrade, create_store, current_revision):
        with pytest.raises(ConfigError, match=says) as caught:
            use(url)
        message = str(caught.value)
        assert "secret" not in message
        assert "sqlite:///" in message or "postgresql://user:password@" in message  # an example


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_server_is_a_config_error_without_the_password() -> None:
    url = f"postgresql://bot:secret@127.0.0.1:{_closed_port()}/bot"
    for use in (upgrade, current_revision):
        with pytest.raises(ConfigError, match="Cannot use the PostgreSQL database") as caught:
            use(url)
        message = str(caught.value)
        assert "secret" not in message and "***" in message
        assert "server is running" in message


def test_a_file_where_the_data_folder_should_be_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("")
    with pytest.raises(ConfigError, match="a file of that name .* is in the way"):
        upgrade(f"sqlite:///{blocker / 'sub' / 'bot.db'}")


def test_a_folder_that_cannot_be_created_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root may write anywhere, so the refusal is simulated: the message is what is tested.
    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(ConfigError, match="permission denied. Set data_dir"):
        create_store(f"sqlite:///{tmp_path / 'locked' / 'bot.db'}")


def test_a_folder_that_cannot_be_written_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("os.access", lambda path, mode: False)
    with pytest.raises(ConfigError, match="Cannot write in .*: permission denied"):
        create_store(f"sqlite:///{tmp_path / 'bot.db'}")


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database\n" * 100)
    with pytest.raises(ConfigError, match="is not a SQLite database"):
        upgrade(f"sqlite:///{path}")
