"""Settings: environment over the TOML file over defaults, errors that say where, what and why, and
the tables adapters own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from supportbot import ConfigError, load_settings
from supportbot.core.config_paths import default_data_dir
from supportbot.core.settings import SettingsTable


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("SUPPORTBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no config/supportbot.toml here


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_file() -> None:
    settings = load_settings()
    assert settings.phone_region == "ID"
    assert settings.command_folders == []
    assert settings.bundled_commands is True
    assert settings.data_dir == default_data_dir()
    assert settings.effective_database_url == f"sqlite:///{default_data_dir() / 'supportbot.db'}"
    assert settings.services == {}


def test_file_values_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'command_timeout_s = 4\n[services.billing]\nbase_url = "http://127.0.0.1:9/"\n',
    )
    settings = load_settings(path)
    assert settings.command_timeout_s == 4
    assert settings.services["billing"].base_url == "http://127.0.0.1:9"  # trailing / dropped
    assert settings.services["billing"].timeout_s == 3.0


def test_environment_overrides_the_file_key_by_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, '[services.billing]\nbase_url = "http://127.0.0.1:9"\ntimeout_s = 2\n')
    monkeypatch.setenv("SUPPORTBOT_SERVICES__BILLING__TIMEOUT_S", "7.5")
    monkeypatch.setenv("SUPPORTBOT_PHONE_REGION", "sg")
    settings = load_settings(path)
    assert settings.services["billing"].timeout_s == 7.5
    assert settings.services["billing"].base_url == "http://127.0.0.1:9"
    assert settings.phone_region == "SG"


def test_config_path_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "command_timeout_s = 3\n")
    monkeypatch.setenv("SUPPORTBOT_CONFIG", str(path))
    assert load_settings().command_timeout_s == 3


def test_list_settings_accept_json_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPORTBOT_COMMAND_FOLDERS", '["commands", "more commands"]')
    assert load_settings().command_folders == [Path("commands"), Path("more commands")]


def test_invalid_value_names_the_file_key_and_reason(tmp_path: Path) -> None:
    path = write(tmp_path, '[services.billing]\nbase_url = "ftp://x"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert str(path) in message
    assert "services.billing.base_url" in message
    assert "http://" in message


def test_invalid_environment_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPORTBOT_COMMAND_TIMEOUT_S", "soon")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "SUPPORTBOT_COMMAND_TIMEOUT_S" in str(caught.value)
    assert "number" in str(caught.value)


def test_misspelt_key_is_reported_as_unknown(tmp_path: Path) -> None:
    path = write(tmp_path, "comand_timeout_s = 3\n")
    with pytest.raises(ConfigError, match="comand_timeout_s: unknown key"):
        load_settings(path)


def test_broken_toml_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "phone_region = \n")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(path) in str(caught.value) and "line 1" in str(caught.value)


def test_missing_explicit_config_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_settings(tmp_path / "nope.toml")


@pytest.mark.parametrize("bad", ["", "ü" * 3, "x" * 10_000, "\x00\x01", "'; DROP TABLE x; --"])
def test_hostile_values_fail_cleanly(tmp_path: Path, bad: str) -> None:
    path = write(tmp_path, f"phone_region = {json.dumps(bad)}\n")
    try:
        settings = load_settings(path)
    except ConfigError as exc:
        assert "phone_region" in str(exc) or str(path) in str(exc)
    else:  # only a two-letter value can pass
        assert len(settings.phone_region) == 2


def test_service_names_must_be_identifiers(tmp_path: Path) -> None:
    path = write(tmp_path, '[services."bill ing"]\nbase_url = "http://x"\n')
    with pytest.raises(ConfigError, match="identifier"):
        load_settings(path)


def test_credential_is_read_from_the_named_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(
        tmp_path, '[services.billing]\nbase_url = "http://x"\nauth_env = "BILLING_TOKEN"\n'
    )
    service = load_settings(path).services["billing"]
    assert service.auth_value() is None
    monkeypatch.setenv("BILLING_TOKEN", "s3cret")
    assert service.auth_value() == "Bearer s3cret"


class ChatSettings(BaseModel):
    """The table of a made-up adapter: the core knows no adapter by name."""

    model_config = ConfigDict(extra="forbid")

    room: str = "general"
    loud: bool = False


CHAT = SettingsTable("chat", ChatSettings, renamed={"chat_room": "room"})


def test_an_adapters_table_comes_from_the_file_and_its_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, '[chat]\nroom = "support"\n')
    monkeypatch.setenv("SUPPORTBOT_CHAT__LOUD", "true")
    settings = load_settings(path, tables=[CHAT])
    assert CHAT.read(settings) == ChatSettings(room="support", loud=True)
    assert "chat" not in settings.model_dump()  # not a setting of the core


def test_a_table_nobody_declared_is_kept_for_its_adapter_or_refused_by_the_app(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, '[chat]\nroom = "support"\n')
    assert load_settings(path).table("chat") == {"room": "support"}  # a library caller
    with pytest.raises(ConfigError, match="chat: unknown key"):
        load_settings(path, tables=[])  # the app, which knows every table


def test_a_bad_value_in_a_table_names_the_file_the_key_and_the_value(tmp_path: Path) -> None:
    path = write(tmp_path, '[chat]\nloud = "very"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path, tables=[CHAT])
    assert f"{path}: chat.loud: Input should be a valid boolean" in str(caught.value)
    assert str(caught.value).endswith(", not 'very'")


def test_a_wrong_value_is_shown_with_secrets_masked_and_cut(tmp_path: Path) -> None:
    path = write(
        tmp_path, '[services.billing]\nbase_url = "ftp://bot:s3cret@billing/' + "x" * 200 + '"\n'
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert "not 'ftp://bot:***@billing/xxx" in str(caught.value)
    assert "s3cret" not in str(caught.value) and "x" * 100 not in str(caught.value)


def test_an_old_key_is_read_in_its_table_and_said_to_be_deprecated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPORTBOT_CHAT_ROOM", "ops")
    settings = load_settings(tables=[CHAT])
    assert CHAT.read(settings).room == "ops"
    assert settings.deprecations == (
        "SUPPORTBOT_CHAT_ROOM is deprecated: use SUPPORTBOT_CHAT__ROOM instead. It is still read "
        "in this release; the next one drops it.",
    )


def test_a_copy_with_a_changed_table_leaves_the_original_alone() -> None:
    settings = load_settings(tables=[CHAT])
    louder = settings.with_table("chat", {"loud": True})
    assert CHAT.read(louder) == ChatSettings(loud=True) and CHAT.read(settings) == ChatSettings()
    louder.table("chat")["room"] = "changed"  # a copy: the settings do not change
    assert CHAT.read(louder).room == "general"


def test_reading_an_invalid_table_is_a_config_error_naming_key_and_value() -> None:
    settings = load_settings().with_table("chat", {"loud": "very"})
    with pytest.raises(ConfigError, match="chat.loud: .*, not 'very'"):
        CHAT.read(settings)


def test_a_misspelt_key_gets_the_key_it_likely_means_at_any_depth(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'comand_timeout_s = 3\n[services.billing]\nbase_url = "http://x"\ntimout_s = 3\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert "comand_timeout_s: unknown key: did you mean command_timeout_s?" in str(caught.value)
    assert "services.billing.timout_s: unknown key: did you mean timeout_s?" in str(caught.value)
