"""Where the bot's files go: config-relative paths, the user's data folder, the bundled commands."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from supportbot import load_settings
from supportbot.core.config_paths import (
    anchor_file_paths,
    bundled_commands_folder,
    default_data_dir,
)
from supportbot.core.settings import knowledge_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("SUPPORTBOT_"):
            monkeypatch.delenv(name)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)


def _config(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "etc"
    folder.mkdir(exist_ok=True)
    path = folder / "bot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_relative_paths_in_the_file_are_read_against_the_files_folder(tmp_path: Path) -> None:
    path = _config(
        tmp_path,
        'data_dir = "state"\ncommand_folders = ["plugins", "/abs/plugins"]\n'
        'log_file = "logs/bot.log"\ndatabase_url = "sqlite:///db/bot.db"\n',
    )
    settings = load_settings(path)
    etc = (tmp_path / "etc").resolve()
    assert settings.data_dir == etc / "state"
    assert settings.command_folders == [etc / "plugins", Path("/abs/plugins")]
    assert settings.log_file == etc / "logs" / "bot.log"
    assert settings.effective_database_url == f"sqlite:///{etc / 'db' / 'bot.db'}"


def test_a_path_in_a_nested_table_is_read_against_the_files_folder_too(tmp_path: Path) -> None:
    path = _config(tmp_path, '[knowledge]\nsnippets_file = "our-snippets.toml"\n')
    etc = (tmp_path / "etc").resolve()
    assert knowledge_settings(load_settings(path)).snippets_file == etc / "our-snippets.toml"


def test_paths_from_the_environment_stay_relative_to_where_the_bot_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _config(tmp_path, 'data_dir = "state"\n')
    monkeypatch.setenv("SUPPORTBOT_DATA_DIR", "here")
    assert load_settings(path).data_dir == Path("here")


def test_absolute_memory_and_postgres_urls_are_left_alone(tmp_path: Path) -> None:
    base = tmp_path / "etc"
    for url in ("sqlite:////var/lib/bot.db", "sqlite:///:memory:", "postgresql://u@h/db"):
        assert anchor_file_paths({"database_url": url}, base)["database_url"] == url


def test_the_data_folder_defaults_to_the_users_data_folder_not_the_current_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "supportbot"
    assert load_settings().data_dir == tmp_path / "xdg" / "supportbot"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/is/ignored")  # the spec says: absolute only
    assert default_data_dir() == Path.home() / ".local" / "share" / "supportbot"


def test_the_bundled_commands_are_loaded_first_and_a_folder_only_once(tmp_path: Path) -> None:
    bundled = bundled_commands_folder()
    assert bundled is not None and (bundled / "merchant.py").is_file()
    mine = tmp_path / "mine"
    settings = load_settings(None, command_folders=[str(mine), str(bundled), str(mine)])
    assert settings.effective_command_folders == [bundled, mine]
    off = load_settings(None, command_folders=[str(mine)], bundled_commands=False)
    assert off.effective_command_folders == [mine]
