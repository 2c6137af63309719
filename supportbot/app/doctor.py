"""`supportbot doctor`: is everything the bot depends on reachable and accepting it?

Checks every configured service (reachable, latency, credentials accepted), the database
(connects, schema current) and, when SLACK_BOT_TOKEN is set, Slack (`auth.test`). The table
names what is wrong; the exit code is 1 when anything failed, so deploy scripts can gate on it.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
from prometheus_client import CollectorRegistry

from supportbot.core.errors import ConfigError
from supportbot.core.settings import Settings
from supportbot.services import wording as service_messages
from supportbot.services.clients import Services
from supportbot.services.failures import transport_error
from supportbot.services.health import HealthStatus, check_services
from supportbot.services.metrics import Metrics
from supportbot.slack import wording as slack_messages
from supportbot.storage import wording as storage_messages

__all__ = ["Check", "check_database", "check_slack", "exit_code", "render_checks", "run_doctor"]

SLACK_TIMEOUT_S = 5.0
_MARK = {"ok": "ok", "warn": "WARN", "fail": "FAIL", "skip": "skip"}


@dataclass(frozen=True)
class Check:
    """One line of the doctor's table."""

    name: str
    status: HealthStatus
    detail: str
    latency_ms: float | None = None


async def run_doctor(
    settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
) -> list[Check]:
    """Every check, services probed concurrently; `transport` fakes HTTP (tests)."""
    # A registry of its own: the doctor's probes are not the bot's traffic.
    async with Services(
        settings.services, transport=transport, metrics=Metrics(CollectorRegistry())
    ) as services:
        service_checks, database, slack = await asyncio.gather(
            check_services(services),
            check_database(settings),
            check_slack(settings, transport=transport),
        )
    checks = [
        Check(f"service {h.service}", h.status, h.detail, h.latency_ms) for h in service_checks
    ]
    return [*checks, database, slack]


async def check_database(settings: Settings) -> Check:
    """Connect to the database and compare its schema revision with the code's."""
    from supportbot.storage import current_revision, head_revision, is_up_to_date

    url = settings.effective_database_url
    sqlite_file = _sqlite_file(url)
    if sqlite_file is not None and not sqlite_file.exists():
        return Check("database", "ok", storage_messages.database_new_sqlite(str(sqlite_file)))
    started = time.perf_counter()
    try:
        current = await asyncio.to_thread(current_revision, url)
        current_ok = await asyncio.to_thread(is_up_to_date, url)
    except ConfigError as exc:
        return Check("database", "fail", str(exc))
    latency = (time.perf_counter() - started) * 1000
    if current_ok:
        return Check("database", "ok", storage_messages.database_at_head(current), latency)
    behind = storage_messages.database_behind(current, head_revision())
    # The embedded SQLite file is migrated at start; another database must be migrated first.
    return Check("database", "warn" if sqlite_file is not None else "fail", behind, latency)


async def check_slack(
    settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
) -> Check:
    """`auth.test` with SLACK_BOT_TOKEN; skipped without a token."""
    token = os.environ.get("SLACK_BOT_TOKEN")
    if not token:
        return Check("slack", "skip", slack_messages.slack_not_configured())
    url = f"{settings.slack_api_url}auth.test"
    started = time.perf_counter()
    try:
        async with httpx.AsyncClient(timeout=SLACK_TIMEOUT_S, transport=transport) as client:
            response = await client.post(url, headers={"Authorization": f"Bearer {token}"})
        body: Any = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        failed = transport_error("slack", exc) if isinstance(exc, httpx.HTTPError) else None
        reason = failed.user_message if failed is not None else "it did not answer in JSON"
        return Check("slack", "fail", slack_messages.slack_unreachable(url, reason))
    latency = (time.perf_counter() - started) * 1000
    if not isinstance(body, dict) or not body.get("ok"):
        error = f"HTTP {response.status_code}"
        if isinstance(body, dict):
            error = str(body.get("error", error))
        refused = slack_messages.slack_token_refused("SLACK_BOT_TOKEN", error)
        return Check("slack", "fail", refused, latency)
    detail = slack_messages.slack_auth_ok(str(body.get("user", "?")), str(body.get("team", "?")))
    return Check("slack", "ok", detail, latency)


def exit_code(checks: list[Check]) -> int:
    """1 when any check failed, else 0 (a warning does not fail the doctor)."""
    return 1 if any(check.status == "fail" for check in checks) else 0


def problems(checks: list[Check]) -> list[str]:
    """The names of the checks that failed or warned."""
    return [check.name for check in checks if check.status in ("fail", "warn")]


def render_checks(checks: list[Check]) -> str:
    """The doctor's table, then one summary line."""
    width = max([len("CHECK"), *(len(check.name) for check in checks)])
    lines = [f"{'CHECK':<{width}}  STATUS  LATENCY  DETAIL"]
    for check in checks:
        latency = "—" if check.latency_ms is None else f"{check.latency_ms:.0f} ms"
        lines.append(
            f"{check.name:<{width}}  {_MARK[check.status]:<6}  {latency:>7}  {check.detail}"
        )
    counted = [check for check in checks if check.status != "skip"]
    lines += ["", service_messages.status_summary(problems(checks), len(counted))]
    return "\n".join(lines)


def checks_as_json(checks: list[Check]) -> str:
    """The checks as a JSON document: {"ok": bool, "checks": [...]}."""
    return json.dumps(
        {"ok": exit_code(checks) == 0, "checks": [asdict(check) for check in checks]}, indent=2
    )


def _sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for another database or an in-memory one)."""
    if not url.startswith("sqlite"):
        return None
    _, _, path = url.partition(":///")
    if not path or path == ":memory:":
        return None
    return Path(path)
