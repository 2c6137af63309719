"""A team's command runs and service calls, made up: for `supportbot dashboard --demo` (a
month) and `bench/stats_scale.py` (a year of a large team). Deterministic for a seed.

Runs follow a support team's day in its time zone (a morning and an afternoon peak, quiet
nights, lighter weekends); durations are log-normal around each command's usual time; most runs
succeed. Rows come out as plain dicts of the audit table's columns, for bulk inserts.
"""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from supportbot.services.metrics import SERVICE_BUCKETS
from supportbot.storage import ServiceMinute, Store

__all__ = ["HOURLY_SHAPE", "audit_rows", "seed_sample_month", "service_hours"]

#: Share of a weekday's contacts by local hour (peaks 10-11 and 14-15, quiet at night).
HOURLY_SHAPE = (
    0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 1.0, 2.5, 5.0, 7.5, 9.0, 8.5,
    6.5, 7.0, 8.5, 8.0, 6.5, 5.0, 3.5, 2.5, 1.8, 1.2, 0.8, 0.4,
)  # fmt: skip
WEEKDAY_SHARE = (1.0, 1.0, 1.0, 1.0, 0.95, 0.45, 0.3)
#: command: (weight, median ms, customer reference kind)
COMMANDS = {
    "merchant": (55, 380.0, "merchant"),
    "transaction": (20, 260.0, "transaction"),
    "resend-receipt": (6, 900.0, "transaction"),
    "reset-pin": (3, 1200.0, "merchant"),
    "refund": (2, 1500.0, "transaction"),
    "help": (8, 1.5, None),
    "status": (3, 120.0, None),
    "stats": (3, 60.0, None),
}
OUTCOMES = (("ok", 86), ("not_found", 7), ("rejected", 4), ("error", 2), ("timeout", 1))
AGENTS = ("ani", "budi", "citra", "dewi", "eko", "fajar", "gita", "hadi", "lina", "rudi")
SERVICES = {"merchants": 80.0, "billing": 120.0, "devices": 60.0, "transactions": 90.0,
            "receipts": 200.0}  # fmt: skip


def _target(kind: str | None, rng: random.Random) -> str | None:
    if kind == "merchant":
        return f"M-{10001 + int(rng.paretovariate(1.2)) % 80}"
    if kind == "transaction":
        return f"TX-{2001 + rng.randrange(5000)}"
    return None


def audit_rows(
    start: datetime,
    days: int,
    *,
    per_weekday: int,
    zone: ZoneInfo,
    seed: int = 11,
    id_prefix: str = "sample",
) -> Iterator[dict[str, object]]:
    """Audit rows from `start` (aware) for `days`, about `per_weekday` runs a weekday."""
    rng = random.Random(seed)
    names = list(COMMANDS)
    weights = [COMMANDS[name][0] for name in names]
    outcome_names = [o for o, _ in OUTCOMES]
    outcome_weights = [w for _, w in OUTCOMES]
    total_shape = sum(HOURLY_SHAPE)
    n = 0
    local_start = start.astimezone(zone).replace(minute=0, second=0, microsecond=0)
    for hour in range(days * 24):
        local = (local_start + timedelta(hours=hour)).astimezone(zone)
        expected = per_weekday * WEEKDAY_SHARE[local.weekday()] * HOURLY_SHAPE[local.hour]
        count = _poisson(expected / total_shape, rng)
        for _ in range(count):
            command = rng.choices(names, weights)[0]
            _, median, kind = COMMANDS[command]
            outcome = rng.choices(outcome_names, outcome_weights)[0]
            at = local + timedelta(seconds=rng.random() * 3600)
            agent = rng.choice(AGENTS)
            n += 1
            yield {
                "request_id": f"{id_prefix}-{seed}-{n}",
                "at": at.astimezone(start.tzinfo),
                "user_id": f"U0{agent.upper()}",
                "user_name": agent,
                "adapter": "slack",
                "channel": "C0SUPPORT",
                "command": command,
                "arguments": "",
                "outcome": outcome,
                "duration_ms": round(median * math.exp(rng.gauss(0, 0.55)), 3),
                "error": None,
                "service_errors": [],
                "target": _target(kind, rng) if outcome != "rejected" else None,
            }


def _poisson(mean: float, rng: random.Random) -> int:
    if mean > 30:  # normal approximation: Knuth's loop is slow for big means
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def service_hours(
    start: datetime, days: int, *, calls_per_hour: int, seed: int = 11
) -> Iterator[ServiceMinute]:
    """Hourly rollups of every sample service (one row per service and hour)."""
    rng = random.Random(seed)
    bounds = SERVICE_BUCKETS
    for hour in range(days * 24):
        at = start + timedelta(hours=hour)
        for service, median in SERVICES.items():
            calls = _poisson(calls_per_hour * rng.uniform(0.5, 1.5), rng)
            if not calls:
                continue
            buckets = [0] * (len(bounds) + 1)
            seconds = 0.0
            for _ in range(calls):
                value = median / 1000 * math.exp(rng.gauss(0, 0.6))
                seconds += value
                buckets[next((i for i, b in enumerate(bounds) if value <= b), len(bounds))] += 1
            errors = sum(1 for _ in range(calls) if rng.random() < 0.01)
            yield ServiceMinute(at, service, calls, errors, seconds, buckets)


async def seed_sample_month(store: Store, *, zone: ZoneInfo, now: datetime, days: int = 30) -> int:
    """Write a month of sample command runs and hourly service rollups ending at `now`
    through the write path (for a throwaway demo database); how many runs."""
    from supportbot.storage import AuditEntry

    start = now - timedelta(days=days)
    rows = [
        row
        for row in audit_rows(start, days, per_weekday=400, zone=zone, id_prefix="demo")
        if row["at"] < now  # type: ignore[operator]
    ]
    for first in range(0, len(rows), 2000):
        chunk = rows[first : first + 2000]
        await asyncio.gather(*(store.audit.record(AuditEntry(**r)) for r in chunk))  # type: ignore[arg-type]
    hours = list(service_hours(start, days, calls_per_hour=150))
    for first in range(0, len(hours), 2000):
        await store.stats.record_service_minutes("demo", hours[first : first + 2000])
    return len(rows)
