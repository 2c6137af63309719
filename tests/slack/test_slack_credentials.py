"""Missing or malformed Slack credentials stop the start, naming the variable and its source."""

from __future__ import annotations

import pytest

from supportbot import ConfigError
from supportbot.slack import read_credentials

GOOD = {
    "SLACK_BOT_TOKEN": "xoxb-1234-5678-abcdef",
    "SLACK_APP_TOKEN": "xapp-1-A0FAKE-123-abcdef",
    "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99yyyzzz85a5".replace("y", "1").replace("z", "2"),
}


def test_socket_mode_needs_the_bot_and_app_tokens() -> None:
    credentials = read_credentials("socket", GOOD)
    assert credentials.app_token == GOOD["SLACK_APP_TOKEN"]
    assert credentials.signing_secret is None
    assert "xoxb" not in repr(credentials)


def test_http_mode_needs_the_bot_token_and_signing_secret() -> None:
    credentials = read_credentials("http", GOOD)
    assert credentials.signing_secret == GOOD["SLACK_SIGNING_SECRET"]


@pytest.mark.parametrize(
    ("mode", "variable"),
    [
        ("socket", "SLACK_BOT_TOKEN"),
        ("socket", "SLACK_APP_TOKEN"),
        ("http", "SLACK_SIGNING_SECRET"),
    ],
)
def test_a_missing_variable_is_named_with_where_to_get_it(mode: str, variable: str) -> None:
    env = {k: v for k, v in GOOD.items() if k != variable}
    with pytest.raises(ConfigError) as caught:
        read_credentials(mode, env)  # type: ignore[arg-type]
    assert variable in str(caught.value)
    assert "api.slack.com/apps" in str(caught.value)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SLACK_BOT_TOKEN", "xoxp-user-token"),
        ("SLACK_APP_TOKEN", "xoxp-not-an-app-token"),
        ("SLACK_SIGNING_SECRET", "not hex at all"),
    ],
)
def test_a_malformed_variable_says_what_was_expected(variable: str, value: str) -> None:
    mode = "http" if variable == "SLACK_SIGNING_SECRET" else "socket"
    with pytest.raises(ConfigError) as caught:
        read_credentials(mode, {**GOOD, variable: value})  # type: ignore[arg-type]
    assert f"{variable} does not look right" in str(caught.value)


def test_swapped_tokens_are_named_as_swapped() -> None:
    swapped = {
        **GOOD,
        "SLACK_BOT_TOKEN": GOOD["SLACK_APP_TOKEN"],
        "SLACK_APP_TOKEN": GOOD["SLACK_BOT_TOKEN"],
    }
    with pytest.raises(ConfigError) as caught:
        read_credentials("socket", swapped)
    assert "SLACK_BOT_TOKEN holds what belongs in SLACK_APP_TOKEN: the two are swapped" in str(
        caught.value
    )
