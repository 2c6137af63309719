"""`supportbot doctor`: is everything the bot depends on reachable and accepting it?

Checks every configured service (reachable, latency, credentials accepted), the database
(connects, schema current), then what the adapters registered (`Adapters.doctor_checks`: Slack's
`auth.test` when SLACK_BOT_TOKEN is set). The table names what is wrong; the exit code is 1 when
anything failed, so deploy scripts can gate on it.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx
from prometheus_client import CollectorRegistry

from supportbot.core.errors import ConfigError
from supportbot.core.settings import Settings
from supportbot.services import wording as service_messages
from supportbot.services.clients import Services
from supportbot.services.health import HealthStatus, ServiceHealth, check_services
from supportbot.services.metrics import Metrics
from supportbot.storage import wording as storage_messages

__all__ = ["Check", "check_database", "exit_code", "render_checks", "run_doctor"]

#: A check an adapter registered (e.g. `supportbot.slack.check_slack`); its line is named after
#: `ServiceHealth.service`.
AdapterCheck = Callable[[Settings], Awaitable[ServiceHealth]]
_MARK = {"ok": "ok", "warn": "WARN", "fail": "FAIL", "skip": "skip"}


@dataclass(frozen=True)
class Check:
    """One line of the doctor's table."""

    name: str
    status: HealthStatus
    detail: str
    latency_ms: float | None = None


async def run_doctor(
    settings: Settings,
    *,
    checks: Sequence[AdapterCheck] = (),
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[Check]:
    """The services (probed concurrently), the database, then `checks` (the adapters');
    `transport` fakes the services' HTTP (tests)."""
    # A registry of its own: the doctor's probes are not the bot's traffic.
    async with Services(
        settings.services, transport=transport, metrics=Metrics(CollectorRegistry())
    ) as services:
        service_checks, database, adapters = await asyncio.gather(
            check_services(services),
            check_database(settings),
            asyncio.gather(*(check(settings) for check in checks)),
        )
    lines = [
        Check(f"service {h.service}", h.status, h.detail, h.latency_ms) for h in service_checks
    ]
    lines.append(database)
    lines += [Check(h.service, h.status, h.detail, h.latency_ms) for h in adapters]
    return lines


async def check_database(settings: Settings) -> Check:
    """Connect to the database, compare its schema revision with the code's, and check that it
    takes a write; rows waiting in the spool (the database was away) are a warning."""
    from supportbot.storage import current_revision, head_revision, is_up_to_date
    from supportbot.storage.probe import check_writes, waiting_in_spool

    url = settings.effective_database_url
    sqlite_file = _sqlite_file(url)
    if sqlite_file is not None and not sqlite_file.exists():
        health = waiting_in_spool(url, settings.data_dir)
        if health.spooled:  # rows of the deleted file, replayed into the new one at start
            return Check("database", "warn", health.sentence())
        return Check("database", "ok", storage_messages.database_new_sqlite(str(sqlite_file)))
    started = time.perf_counter()
    try:
        current = await asyncio.to_thread(current_revision, url)
        current_ok = await asyncio.to_thread(is_up_to_date, url)
    except ConfigError as exc:
        return Check("database", "fail", str(exc))
    latency = (time.perf_counter() - started) * 1000
    if current_ok:
        health = await check_writes(url, spool_dir=settings.data_dir)
        if not health.ok:
            return Check("database", "fail", health.sentence(), latency)
        detail = storage_messages.database_at_head(current)
        if health.spooled:
            return Check("database", "warn", f"{detail}; {health.sentence()}", latency)
        return Check("database", "ok", detail, latency)
    behind = storage_messages.database_behind(current, head_revision())
    # The embedded SQLite file is migrated at start; another database must be migrated first.
    return Check("database", "warn" if sqlite_file is not None else "fail", behind, latency)


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
