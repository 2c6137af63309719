"""The [stats] table: validated with the rest, documented, refused with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportbot import ConfigError, load_settings
from supportbot.app.env import registered_adapters
from supportbot.core.settings import StatsSettings, stats_settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
CONFIG = Path(__file__).resolve().parents[2] / "config" / "supportbot.toml"


def test_every_stats_key_is_documented() -> None:
    for name in StatsSettings.model_fields:
        assert f"`{name}`" in README, f"[stats] {name} is missing from README.md"


def test_the_shipped_configuration_is_valid() -> None:
    settings = load_settings(CONFIG, tables=registered_adapters().tables)
    assert stats_settings(settings).baseline_minutes == 8.75


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"time_zone": "Mars/Olympus"}, "not a time zone"),
        ({"bot_minutes": 9, "baseline_minutes": 8}, "less than baseline_minutes"),
        ({"baseline_minutes": 0}, "greater than 0"),
    ],
)
def test_a_bad_value_names_the_key(values: dict[str, object], fragment: str) -> None:
    settings = load_settings(None, tables=registered_adapters().tables).with_table("stats", values)
    with pytest.raises(ConfigError, match=fragment):
        stats_settings(settings)


def test_the_dashboard_token_variable_is_not_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPPORTBOT_DASHBOARD_TOKEN", "x" * 30)
    load_settings(None, tables=registered_adapters().tables)  # no "unknown key dashboard_token"


def test_a_bad_stats_table_stops_every_load_that_knows_tables(tmp_path: Path) -> None:
    # [stats] is a core table, like [knowledge]: known even to a load given no adapter's tables
    path = tmp_path / "supportbot.toml"
    path.write_text('[stats]\ntime_zone = "Mars/Olympus"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"stats\.time_zone.*not a time zone"):
        load_settings(path, tables=[])
