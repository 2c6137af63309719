"""`supportbot manifest` is a valid Slack app manifest whose slash commands are the commands."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from supportbot import ConfigError, load_settings
from supportbot._plugins import load_plugins
from supportbot.slack import build_manifest, events_url, to_yaml
from supportbot.slack._cli import manifest as manifest_command
from supportbot.slack._payloads import SLACK_BUILT_INS, command_text, event_text, slash_name
from supportbot.slack.testing import slash_command

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = ROOT / "commands"


def registry() -> Any:
    return load_plugins([COMMANDS], entry_points=False).registry


def parse_yaml(text: str) -> Any:
    """A reader for the YAML subset `to_yaml` writes (block mappings and lists, JSON scalars)."""
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]

    def scalar(raw: str) -> Any:
        return json.loads(raw)

    def block(start: int, indent: int) -> tuple[Any, int]:
        if lines[start][indent:].startswith("- "):
            items: list[Any] = []
            i = start
            while i < len(lines) and lines[i].startswith(" " * indent + "- "):
                rest = lines[i][indent + 2 :]
                if re.match(r'^[A-Za-z_"][^:]*:( |$)', rest):
                    lines[i] = " " * (indent + 2) + rest
                    value, i = block(i, indent + 2)
                else:
                    value, i = scalar(rest), i + 1
                items.append(value)
            return items, i
        mapping: dict[str, Any] = {}
        i = start
        while i < len(lines) and len(lines[i]) - len(lines[i].lstrip()) == indent:
            key, _, rest = lines[i].strip().partition(":")
            key = json.loads(key) if key.startswith('"') else key
            if rest.strip():
                mapping[key], i = scalar(rest.strip()), i + 1
            else:
                mapping[key], i = block(i + 1, indent + 2)
        return mapping, i

    parsed, end = block(0, 0)
    assert end == len(lines)
    return parsed


def check_schema(manifest: dict[str, Any]) -> None:
    """The rules of Slack's manifest schema (v1) that this manifest touches."""
    assert set(manifest) <= {"display_information", "features", "oauth_config", "settings"}
    display = manifest["display_information"]
    assert 1 <= len(display["name"]) <= 35 and 1 <= len(display["description"]) <= 140
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", display["background_color"])
    features = manifest["features"]
    assert re.fullmatch(r"[a-z0-9._-]{1,80}", features["bot_user"]["display_name"])
    commands = features["slash_commands"]
    assert 1 <= len(commands) <= 50
    for command in commands:
        assert set(command) <= {"command", "description", "usage_hint", "should_escape", "url"}
        assert re.fullmatch(r"/[^\s]{1,31}", command["command"])
        assert 1 <= len(command["description"]) <= 2000
        assert 1 <= len(command.get("usage_hint", "x")) <= 1000
        assert command.get("url", "https://").startswith(("http://", "https://"))
    assert all(len(scope) <= 50 for scope in manifest["oauth_config"]["scopes"]["bot"])
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im"}


def test_the_slash_commands_are_exactly_the_registered_commands() -> None:
    manifest = build_manifest(registry())
    check_schema(manifest)
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert commands == {slash_name(spec.name) for spec in registry()}
    assert not {c.lstrip("/") for c in commands} & SLACK_BUILT_INS
    merchant = next(
        c for c in manifest["features"]["slash_commands"] if c["command"] == "/merchant"
    )
    assert merchant["usage_hint"].startswith("<")
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert "url" not in merchant


def test_http_mode_points_every_request_url_at_slack_events() -> None:
    manifest = build_manifest(registry(), http_url="https://bot.example.com/")
    check_schema(manifest)
    url = "https://bot.example.com/slack/events"
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert manifest["settings"]["event_subscriptions"]["request_url"] == url
    assert manifest["settings"]["interactivity"]["request_url"] == url
    assert {c["url"] for c in manifest["features"]["slash_commands"]} == {url}
    assert events_url(url) == url


def test_a_bad_http_url_is_refused() -> None:
    with pytest.raises(ConfigError):
        events_url("bot.example.com")


def test_the_yaml_reads_back_as_the_same_manifest() -> None:
    manifest = build_manifest(registry(), name='Support "bot": ünïcode')
    text = to_yaml(manifest, header="made by a test")
    assert text.startswith("# made by a test\n")
    assert parse_yaml(text) == manifest


class Env:
    def settings(self, **overrides: Any) -> Any:
        return load_settings(None, command_folders=[str(COMMANDS)], load_entry_points=False)


def test_the_cli_prints_yaml_by_default_and_json_on_request() -> None:
    runner = CliRunner()
    as_yaml = runner.invoke(manifest_command, [], obj=Env())
    assert as_yaml.exit_code == 0, as_yaml.output
    as_json = runner.invoke(
        manifest_command, ["--json", "--http-url", "https://b.example"], obj=Env()
    )
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.output)
    assert data["settings"]["socket_mode_enabled"] is False
    parsed = parse_yaml(as_yaml.output)
    assert (
        parsed["features"]["slash_commands"]
        == build_manifest(registry())["features"]["slash_commands"]
    )


def test_a_command_named_like_a_slack_built_in_gets_a_prefix_and_still_runs() -> None:
    assert slash_name("status") == "/sb-status" and slash_name("merchant") == "/merchant"
    body = slash_command("/sb-status", "now", response_url="http://x")
    assert command_text(body) == "/status now"
    assert event_text({"text": "<@U0BOT> sb-status"}, "U0BOT") == "/status"
    assert (
        command_text(slash_command("/sb-merchant", "", response_url="http://x")) == "/sb-merchant"
    )
