"""`supportbot doctor`: every dependency checked, the broken one named, a non-zero exit; the
adapters' checks (Slack's: `tests/slack/test_slack_doctor.py`) run after the database."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from supportbot.app.doctor import check_database, exit_code, render_checks, run_doctor
from supportbot.core.settings import ServiceSettings, Settings, load_settings
from supportbot.services.health import ServiceHealth
from supportbot.storage import upgrade
from tests.cli_process import run_supportbot

from .conftest import ROOT


def settings_for(tmp_path: Path, **services: ServiceSettings) -> Settings:
    return load_settings(
        None, data_dir=str(tmp_path), database_url=f"sqlite:///{tmp_path / 'bot.db'}"
    ).model_copy(update={"services": services})


def answering(request: httpx.Request) -> httpx.Response:
    host = request.url.host
    if host == "billing":
        return httpx.Response(401, json={"error": "bad token"})
    if host == "devices":
        raise httpx.ConnectError("refused", request=request)
    if host == "legacy":
        return httpx.Response(404)
    return httpx.Response(200, json={"status": "ok"})


async def test_names_each_broken_service_and_fails(tmp_path: Path) -> None:
    settings = settings_for(
        tmp_path,
        merchants=ServiceSettings(base_url="http://merchants"),
        billing=ServiceSettings(base_url="http://billing"),
        devices=ServiceSettings(base_url="http://devices"),
        legacy=ServiceSettings(base_url="http://legacy"),
    )
    checks = await run_doctor(settings, transport=httpx.MockTransport(answering))
    by_name = {check.name: check for check in checks}
    assert by_name["service merchants"].status == "ok"
    assert by_name["service merchants"].latency_ms is not None
    assert by_name["service billing"].status == "fail"
    assert "refused our credentials (HTTP 401)" in by_name["service billing"].detail
    assert by_name["service devices"].status == "fail"
    assert "could not be reached" in by_name["service devices"].detail
    assert by_name["service legacy"].status == "warn"
    assert "not at /health (HTTP 404); set health_path" in by_name["service legacy"].detail
    assert exit_code(checks) == 1
    table = render_checks(checks)
    assert table.splitlines()[0].split() == ["CHECK", "STATUS", "LATENCY", "DETAIL"]
    assert [r.split()[2] for r in table.splitlines() if r.startswith("service billing")] == ["FAIL"]
    assert table.endswith(
        "3 of 5 checks have problems: service billing, service devices, service legacy."
    )


async def test_a_missing_credential_variable_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEST_MERCHANTS_TOKEN", raising=False)
    settings = settings_for(
        tmp_path,
        merchants=ServiceSettings(base_url="http://merchants", auth_env="TEST_MERCHANTS_TOKEN"),
    )
    [service, database] = await run_doctor(settings, transport=httpx.MockTransport(answering))
    assert service.status == "warn" and "TEST_MERCHANTS_TOKEN is not set" in service.detail
    assert exit_code([service, database]) == 0


async def test_the_database_is_checked_for_its_schema(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    fresh = await check_database(settings)
    assert fresh.status == "ok" and "does not exist yet" in fresh.detail
    upgrade(settings.effective_database_url)
    current = await check_database(settings)
    assert current.status == "ok" and current.detail.startswith("connected; schema current")


async def test_an_unreachable_database_fails(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = load_settings(
        None,
        data_dir=str(tmp_path),
        database_url=f"postgresql://bot:secret@127.0.0.1:{port}/supportbot?connect_timeout=2",
    )
    check = await check_database(settings)
    assert check.status == "fail" and "bot:***@127.0.0.1" in check.detail
    assert "secret" not in check.detail


async def test_the_adapters_checks_run_last_each_named_by_its_health(tmp_path: Path) -> None:
    seen: list[Settings] = []

    async def chat_check(settings: Settings) -> ServiceHealth:
        seen.append(settings)
        return ServiceHealth("chat", "fail", "chat refused the token", latency_ms=4.0)

    settings = settings_for(tmp_path, merchants=ServiceSettings(base_url="http://merchants"))
    checks = await run_doctor(
        settings, checks=[chat_check], transport=httpx.MockTransport(answering)
    )
    assert [check.name for check in checks] == ["service merchants", "database", "chat"]
    assert checks[-1].status == "fail" and checks[-1].latency_ms == 4.0
    assert seen == [settings] and exit_code(checks) == 1


def run_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`supportbot *args` in a child process of its own (tests/cli_process.py)."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SUPPORTBOT_", "SLACK_"))},
        "SUPPORTBOT_DATA_DIR": str(tmp_path),
    }
    return run_supportbot(args, env=env, cwd=tmp_path)


def test_the_command_names_a_stopped_service_and_exits_non_zero(tmp_path: Path) -> None:
    broken = run_cli(tmp_path, "doctor", "--demo", "--down", "billing")
    assert broken.returncode == 1, broken.stderr
    [line] = [row for row in broken.stdout.splitlines() if row.startswith("service billing")]
    assert "FAIL" in line and "billing could not be reached" in line
    assert "1 of 7 checks have problems: service billing." in broken.stdout

    healthy = run_cli(tmp_path, "doctor", "--demo", "--json")
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    report = json.loads(healthy.stdout)
    assert report["ok"] is True
    assert {c["name"] for c in report["checks"]} >= {"service billing", "database", "slack"}


def test_down_without_demo_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "doctor", "--down", "billing")
    assert result.returncode == 2 and "--demo" in result.stderr


def test_the_commands_module_is_importable_before_the_cli() -> None:
    code = "import supportbot.app.ops_cli as m; import supportbot.app.cli; print(m.doctor.name)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "doctor" in result.stdout
