"""`supportbot manifest` is a valid Slack app manifest whose slash commands are the commands."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import supportbot
from supportbot import ConfigError, Context, load_settings
from supportbot.core.plugins import load_plugins
from supportbot.core.registry import CommandRegistry, spec_of
from supportbot.slack import build_manifest, events_url, to_yaml
from supportbot.slack._cli import manifest as manifest_command
from supportbot.slack._payloads import SLACK_BUILT_INS, command_text, event_text, slash_name
from supportbot.slack.testing import slash_command

from .conftest import Host

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
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_mention",
        "message.im",
        "app_home_opened",
        "user_change",
        "team_join",
        "subteam_members_changed",
    }


def registered_names() -> set[str]:
    return {name for spec in registry() for name in (spec.name, *spec.aliases)}


def test_the_slash_commands_are_exactly_the_registered_commands_and_aliases() -> None:
    manifest = build_manifest(registry())
    check_schema(manifest)
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert len(commands) == len(set(commands))
    names = registered_names()
    families = set(names)
    # A sub-command is typed under its family: /incident open, not /incident-open.
    expected = {slash_name(n) for n in names if n.rpartition("-")[0] not in families}
    assert set(commands) == expected
    assert "/incident" in commands and "/incident-open" not in commands
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


def test_the_cli_prints_yaml_by_default_and_json_on_request() -> None:
    runner = CliRunner()
    as_yaml = runner.invoke(manifest_command, [], obj=Host(load_entry_points=False))
    assert as_yaml.exit_code == 0, as_yaml.output
    as_json = runner.invoke(
        manifest_command,
        ["--json", "--http-url", "https://b.example"],
        obj=Host(load_entry_points=False),
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


def entry(manifest: dict[str, Any], command: str) -> dict[str, Any]:
    return next(c for c in manifest["features"]["slash_commands"] if c["command"] == command)


def test_aliases_are_slash_commands_that_say_what_they_stand_for() -> None:
    manifest = build_manifest(registry())
    merchant, m = entry(manifest, "/merchant"), entry(manifest, "/m")
    assert m["usage_hint"] == merchant["usage_hint"]
    assert m["description"].startswith("Same as /merchant: ")
    assert entry(manifest, "/tx")["description"].startswith("Same as /transaction: ")
    # Slack sends the alias as typed; the core knows it.
    assert command_text(slash_command("/m", "0812-3456-7890", response_url="http://x")) == (
        "/m 0812-3456-7890"
    )
    loaded = registry()
    assert loaded.get("m") is loaded.get("merchant")


def one_command(name: str, aliases: tuple[str, ...] = ()) -> CommandRegistry:
    @supportbot.command(name, help="A test command", aliases=aliases)
    async def handler(ctx: Context) -> str:
        return "ok"

    found = CommandRegistry()
    spec = spec_of(handler)
    assert spec is not None
    found.add(spec)
    return found


def test_an_alias_named_like_a_slack_built_in_gets_the_prefix_and_still_runs() -> None:
    # `/s` is Slack's own search.
    manifest = build_manifest(one_command("search-merchants", aliases=("s", "who")))
    check_schema(manifest)
    names = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert names == ["/search-merchants", "/sb-s", "/sb-who"]
    assert command_text(slash_command("/sb-s", "toko", response_url="http://x")) == "/s toko"


def test_an_alias_that_would_be_the_same_slash_command_as_another_is_refused() -> None:
    both = one_command("status")
    other = one_command("health", aliases=("sb-status",))
    for spec in other:
        both.add(spec)
    with pytest.raises(ConfigError, match="/sb-status"):
        build_manifest(both)


def test_too_many_slash_commands_counting_aliases_are_refused() -> None:
    many = one_command("lookup", aliases=tuple(f"l{n}" for n in range(50)))
    with pytest.raises(ConfigError, match="at most 50"):
        build_manifest(many)


def test_an_alias_too_long_for_slack_is_named() -> None:
    long_alias = "a" * 32
    with pytest.raises(ConfigError, match=long_alias):
        build_manifest(one_command("short", aliases=(long_alias,)))


def test_no_registered_command_is_an_error_naming_the_folders_as_resolved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()

    class Elsewhere:
        def settings(self, **overrides: Any) -> Any:
            return load_settings(
                None,
                command_folders=["commands", str(empty)],
                load_entry_points=False,
                bundled_commands=False,
            )

    result = CliRunner().invoke(manifest_command, [], obj=Elsewhere())
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"{tmp_path / 'commands'} (not there)" in result.stderr
    assert f"{empty}" in result.stderr and f"{empty} (not there)" not in result.stderr
    assert "no commands are registered" in result.stderr
    assert "SUPPORTBOT_COMMAND_FOLDERS" in result.stderr


def test_an_http_url_that_is_not_https_is_refused_saying_why() -> None:
    result = CliRunner().invoke(
        manifest_command,
        ["--http-url", "http://bot.example.com"],
        obj=Host(load_entry_points=False),
    )
    assert result.exit_code == 2 and result.stdout == ""
    assert "--http-url http://bot.example.com must start with https://" in result.stderr


def test_the_prefix_renames_every_command_in_the_manifest() -> None:
    from supportbot.slack._manifest import build_manifest as manifest_of

    registry = load_plugins([COMMANDS], entry_points=False).registry
    data = manifest_of(registry, prefix="sb-")
    commands = [entry["command"] for entry in data["features"]["slash_commands"]]
    families = {spec.name for spec in registry}
    # A sub-command (incident-open) is typed under its family's slash command (/sb-incident).
    names = [
        name
        for spec in registry
        if spec.name.rpartition("-")[0] not in families
        for name in (spec.name, *spec.aliases)
    ]
    assert sorted(commands) == sorted(f"/sb-{name}" for name in names)
    events = data["settings"]["event_subscriptions"]["bot_events"]
    assert {"user_change", "team_join", "subteam_members_changed"} <= set(events)


def test_the_prefix_routes_back_to_the_core_name() -> None:
    body = {"command": "/sb-merchant", "text": "M-10001"}
    assert command_text(body, "sb-") == "/merchant M-10001"
    assert command_text({"command": "/sb-status"}, "sb-") == "/status"
    mention = {"text": "<@U0BOT> sb-merchant M-10001"}
    assert event_text(mention, "U0BOT", "sb-") == "/merchant M-10001"
    assert event_text({"text": "<@U0BOT> merchant M-10001"}, "U0BOT", "sb-") == "/merchant M-10001"
