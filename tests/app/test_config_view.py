"""`supportbot config`: secrets in URLs are masked, everything else is shown as written."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportbot import load_settings
from supportbot.app.config_view import effective_config, mask_database_url, mask_url, render_config
from supportbot.app.env import registered_adapters


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "https://admin:p4ss@billing.internal/?token=abc",
            "https://admin:***@billing.internal/?token=***",
        ),
        (
            "https://admin:p4ss@billing.internal:8443/v1",
            "https://admin:***@billing.internal:8443/v1",
        ),
        (
            "http://h/v1?region=id&api_key=k1&X-Amz-Signature=s1&Password=p1&limit=5",
            "http://h/v1?region=id&api_key=***&X-Amz-Signature=***&Password=***&limit=5",
        ),
        ("http://h/?accessToken=t&client_secret=c", "http://h/?accessToken=***&client_secret=***"),
        ("http://h/?%74oken=t", "http://h/?%74oken=***"),  # percent-encoded name
        ("http://h/cb#access_token=t&state=1", "http://h/cb#access_token=***&state=1"),
        ("http://u:p%40ss@[::1]:8080/x", "http://u:***@[::1]:8080/x"),  # IPv6 kept verbatim
        ("https://sk_live_123:@api.example/", "https://***:@api.example/"),  # key as user name
        ("http://[::1:80/?token=abc", "http://[::1:80/?token=***"),  # malformed: still masked
        ("https://Kasir:kata☕rahasia@toko.example/金龙", "https://Kasir:***@toko.example/金龙"),
    ],
)
def test_passwords_and_secret_looking_parameters_are_masked(url: str, shown: str) -> None:
    assert mask_url(url) == shown


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8101",
        "https://billing.internal/v1?region=id&limit=20",
        "http://u@h/",  # a user name alone is not a secret
        "http://h/?token=",  # nothing to hide
        "sqlite:////tmp/data/supportbot.db",
        "",
    ],
)
def test_urls_without_secrets_are_unchanged(url: str) -> None:
    assert mask_url(url) == url


def test_a_huge_url_is_masked_without_losing_the_rest() -> None:
    url = "https://u:" + "p" * 100_000 + "@h/?" + "&".join(f"a{i}=v" for i in range(5_000))
    masked = mask_url(url + "&token=secret")
    assert "ppp" not in masked and "secret" not in masked
    assert masked.startswith("https://u:***@h/?a0=v&") and masked.endswith("a4999=v&token=***")


def test_a_database_password_with_a_slash_is_masked_as_sqlalchemy_reads_it() -> None:
    shown = mask_database_url("postgresql://bot:s3cr/et@db.internal/bot?password=x")
    assert "s3cr" not in shown and "et@" not in shown
    assert shown == "postgresql://bot:***@db.internal/bot?password=***"


def test_config_view_masks_service_and_database_urls(tmp_path: Path) -> None:
    config = tmp_path / "supportbot.toml"
    config.write_text(
        'database_url = "postgresql+asyncpg://bot:pa55@db/bot"\n'
        "[services.billing]\n"
        'base_url = "https://admin:p4ss@billing.internal/?token=abc&region=id"\n'
        "[services.devices]\n"
        'base_url = "http://127.0.0.1:8103"\n',
        encoding="utf-8",
    )
    text = render_config(effective_config(load_settings(config), config))
    assert "p4ss" not in text and "abc" not in text and "pa55" not in text
    lines = text.splitlines()
    assert (
        "services.billing.base_url = 'https://admin:***@billing.internal/?token=***&region=id'"
        in lines
    )
    assert "services.devices.base_url = 'http://127.0.0.1:8103'" in lines
    assert "database_url = 'postgresql+asyncpg://bot:***@db/bot'" in lines


def test_config_view_shows_the_adapters_tables_with_their_defaults(tmp_path: Path) -> None:
    config = tmp_path / "supportbot.toml"
    config.write_text(
        '[slack]\nengineering_channel = "C0ENG"\napi_url = "https://u:pw@slack.test/api/"\n',
        encoding="utf-8",
    )
    settings = load_settings(config, tables=registered_adapters().tables)
    lines = render_config(
        effective_config(settings, config, tables=registered_adapters().tables)
    ).splitlines()
    assert "slack.engineering_channel = 'C0ENG'" in lines
    assert "slack.visibility = 'ephemeral'" in lines  # a default, shown too
    assert "slack.api_url = 'https://u:***@slack.test/api/'" in lines
