"""Slack in `supportbot doctor`: the token is checked as the adapter checks it at start, at the
`[slack] api_url`, and `supportbot doctor` gets the check through Slack's registration hook."""

from __future__ import annotations

import socket
from pathlib import Path

import click
import pytest

from supportbot.app.cli import cli, registered_adapters
from supportbot.core.settings import load_settings
from supportbot.slack import SLACK_TABLE, check_slack
from supportbot.slack.testing import FakeSlack


def settings_at(api_url: str, tmp_path: Path):
    return load_settings(
        None,
        tables=registered_adapters().tables,
        data_dir=str(tmp_path),
        slack={"api_url": api_url},
    )


async def test_without_a_token_slack_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    health = await check_slack(settings_at("http://127.0.0.1:9/api/", tmp_path))
    assert (health.service, health.status) == ("slack", "skip")
    assert health.detail == "SLACK_BOT_TOKEN is not set; not checked"


async def test_an_accepted_token_names_the_bot_and_the_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with FakeSlack.start() as slack:
        monkeypatch.setenv("SLACK_BOT_TOKEN", slack.bot_token)
        health = await check_slack(settings_at(slack.api_url, tmp_path))
    assert health.status == "ok" and health.detail == "token accepted: @supportbot in Fake Team"
    assert health.latency_ms is not None


async def test_a_refused_token_says_what_to_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with FakeSlack.start() as slack:
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-revoked")
        health = await check_slack(settings_at(slack.api_url, tmp_path))
    assert health.status == "fail"
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in health.detail
    assert "api.slack.com/apps" in health.detail


async def test_an_unreachable_api_url_is_the_same_sentence_as_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api/"
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-2-abc")
    health = await check_slack(settings_at(url, tmp_path))
    assert health.status == "fail"
    assert health.detail.startswith(f"Could not reach Slack at {url}: nothing accepts connections")
    assert "SUPPORTBOT_SLACK__API_URL" in health.detail


def test_the_app_gets_the_check_and_the_table_through_the_hook_and_lists_the_commands() -> None:
    adapters = registered_adapters()
    assert check_slack in adapters.doctor_checks
    assert SLACK_TABLE in adapters.tables
    assert {"run", "serve", "manifest"} <= set(cli.list_commands(click.Context(cli)))
