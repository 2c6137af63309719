"""The `[slack]` table: read from the file and from SUPPORTBOT_SLACK__*, validated at start with
errors naming the key and the value, the old top-level keys read for one release with one
deprecation line each, and every key documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportbot import ConfigError, load_settings
from supportbot.app.env import registered_adapters
from supportbot.slack import SLACK_TABLE, SlackSettings, slack_settings

# clean_env (autouse): no SUPPORTBOT_* variables, and no config/supportbot.toml where it runs.
from tests.core.test_settings import clean_env, write  # noqa: F401

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_the_defaults_without_a_table() -> None:
    settings = load_settings(tables=registered_adapters().tables)
    assert slack_settings(settings) == SlackSettings()
    assert slack_settings(settings).api_url == "https://slack.com/api/"
    assert settings.deprecations == ()


def test_the_table_comes_from_the_file_and_the_environment_over_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(
        tmp_path,
        '[slack]\nengineering_channel = "C0ENG"\napi_url = "http://127.0.0.1:9/api"\n'
        'command_visibility = {help = "in_channel"}\n',
    )
    monkeypatch.setenv("SUPPORTBOT_SLACK__ENGINEERING_CHANNEL", "C0OTHER")
    slack = slack_settings(load_settings(path, tables=registered_adapters().tables))
    assert slack.engineering_channel == "C0OTHER"
    assert slack.api_url == "http://127.0.0.1:9/api/"  # a trailing / added
    assert slack.visibility_of("help") == "in_channel"
    assert slack.visibility_of("merchant") == "ephemeral"


def test_a_bad_value_names_the_file_the_key_and_the_value(tmp_path: Path) -> None:
    path = write(tmp_path, '[slack]\nvisibility = "everyone"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path, tables=registered_adapters().tables)
    assert (
        f"{path}: slack.visibility: Input should be 'ephemeral' or 'in_channel', not 'everyone'"
        in str(caught.value)
    )


def test_a_bad_variable_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPORTBOT_SLACK__API_URL", "slack.com/api")
    with pytest.raises(
        ConfigError, match="SUPPORTBOT_SLACK__API_URL: slack.api_url: .*, not 'slack.com/api'"
    ):
        load_settings(tables=registered_adapters().tables)


def test_a_misspelt_key_in_the_table_is_unknown(tmp_path: Path) -> None:
    path = write(tmp_path, '[slack]\nengineering_chanel = "C0ENG"\n')
    with pytest.raises(ConfigError, match="slack.engineering_chanel: unknown key"):
        load_settings(path, tables=registered_adapters().tables)


def test_the_old_top_level_keys_are_read_with_one_deprecation_line_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(
        tmp_path,
        'slack_engineering_channel = "C0ENG"\nslack_command_visibility = {help = "in_channel"}\n',
    )
    monkeypatch.setenv("SUPPORTBOT_SLACK_VISIBILITY", "in_channel")
    settings = load_settings(path, tables=registered_adapters().tables)
    slack = slack_settings(settings)
    assert (slack.engineering_channel, slack.visibility) == ("C0ENG", "in_channel")
    assert slack.visibility_of("help") == "in_channel"
    assert set(settings.deprecations) == {
        "SUPPORTBOT_SLACK_VISIBILITY is deprecated: use SUPPORTBOT_SLACK__VISIBILITY instead. "
        "It is still read in this release; the next one drops it.",
        f"{path}: slack_command_visibility is deprecated: use command_visibility in a [slack] "
        "table instead. It is still read in this release; the next one drops it.",
        f"{path}: slack_engineering_channel is deprecated: use engineering_channel in a [slack] "
        "table instead. It is still read in this release; the next one drops it.",
    }


def test_the_new_key_wins_over_the_old_one_which_is_called_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, 'slack_api_url = "http://old/"\n[slack]\napi_url = "http://new/"\n')
    settings = load_settings(path, tables=registered_adapters().tables)
    assert slack_settings(settings).api_url == "http://new/"
    [line] = settings.deprecations
    assert line.startswith(f"{path}: slack_api_url is deprecated and ignored, because api_url")


def test_a_bad_old_key_is_named_as_it_was_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPORTBOT_SLACK_VISIBILITY", "loud")
    with pytest.raises(
        ConfigError, match="SUPPORTBOT_SLACK_VISIBILITY: slack_visibility: .*, not 'loud'"
    ):
        load_settings(tables=registered_adapters().tables)


def test_without_the_table_declared_the_old_keys_are_unknown(tmp_path: Path) -> None:
    path = write(tmp_path, 'slack_visibility = "in_channel"\n')
    with pytest.raises(ConfigError, match="slack_visibility: unknown key"):
        load_settings(path)


def test_a_table_changed_in_code_is_read_validated() -> None:
    settings = load_settings(tables=registered_adapters().tables).with_table(
        "slack", {"visibility": "loud"}
    )
    with pytest.raises(ConfigError, match="slack.visibility: .*, not 'loud'"):
        slack_settings(settings)


def test_every_key_of_the_table_is_documented_in_the_readme() -> None:
    assert "[slack]" in README
    for name in SlackSettings.model_fields:
        assert f"`{name}`" in README, f"[slack] {name} is missing from README.md"
        assert f"SUPPORTBOT_SLACK__{name.upper()}" in README, f"SUPPORTBOT_SLACK__{name.upper()}"
    for old in SLACK_TABLE.renamed:
        assert f"`{old}`" in README, f"the old key {old} is not in the README's note"


def test_an_old_variable_beats_the_new_key_in_the_file_as_the_environment_beats_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, '[slack]\nvisibility = "ephemeral"\n')
    monkeypatch.setenv("SUPPORTBOT_SLACK_VISIBILITY", "in_channel")
    settings = load_settings(path, tables=registered_adapters().tables)
    assert slack_settings(settings).visibility == "in_channel"
    [line] = settings.deprecations
    assert line.startswith("SUPPORTBOT_SLACK_VISIBILITY is deprecated: use SUPPORTBOT_SLACK__VIS")
