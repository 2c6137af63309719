"""Stats at scale: a year of a large team's record, then every stats and dashboard query timed.

    python bench/stats_scale.py                       # SQLite, full scale (1 M interactions,
                                                      # 5 M audit rows): several minutes to load
    python bench/stats_scale.py --scale 0.1           # a tenth of it
    python bench/stats_scale.py --database-url postgresql://...   # an EMPTY database
    python bench/stats_scale.py --database-url ... --no-load      # time a database it loaded

Data is generated with bulk inserts (executemany through SQLAlchemy Core), not through the
bot. Each query runs `--rounds` times, the queries alternated round by round; the median and the
worst are printed against the targets (PostgreSQL < 200 ms, SQLite < 1 s). The machine is
shared: quote medians.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from supportbot import Period  # noqa: E402
from supportbot.core.registry import CommandRegistry  # noqa: E402
from supportbot.core.settings import load_settings  # noqa: E402
from supportbot.record.insight import Insight  # noqa: E402
from supportbot.record.sample_activity import HOURLY_SHAPE, WEEKDAY_SHARE, audit_rows  # noqa: E402
from supportbot.storage import (  # noqa: E402
    AuditRecord,
    InteractionRow,
    TagRow,
    create_store,
    make_sync_engine,
    upgrade,
)
from supportbot.web.dashboard_panels import build_panels  # noqa: E402

ZONE = ZoneInfo("Asia/Jakarta")
TAGS = ["payment/failed", "payment/refund", "settlement/delayed", "device/offline",
        "account/pin", "billing/invoice", "payment/qris", "settlement/missing"]  # fmt: skip
CHUNK = 20_000


def _load(url: str, interactions: int, audit: int, now: datetime) -> None:
    engine = make_sync_engine(url)
    start = now - timedelta(days=365)
    weekday_share = sum(WEEKDAY_SHARE) / 7
    per_weekday = max(1, round(audit / (365 * weekday_share)))
    began = time.perf_counter()
    with engine.begin() as connection:
        batch: list[dict[str, Any]] = []
        count = 0
        for row in audit_rows(start, 365, per_weekday=per_weekday, zone=ZONE, id_prefix="scale"):
            batch.append(row)
            if len(batch) == CHUNK:
                connection.execute(insert(AuditRecord.__table__), batch)
                count += len(batch)
                batch = []
        if batch:
            connection.execute(insert(AuditRecord.__table__), batch)
            count += len(batch)
    print(f"audit rows: {count:,} in {time.perf_counter() - began:.0f} s", flush=True)
    began = time.perf_counter()
    rng = random.Random(7)
    shape = [s / sum(HOURLY_SHAPE) for s in HOURLY_SHAPE]
    with engine.begin() as connection:
        rows: list[dict[str, Any]] = []
        tags: list[dict[str, Any]] = []
        # in time order, as a live bot writes them (so a week's rows sit together on disk)
        moments = sorted(
            (start + timedelta(days=rng.random() * 365)).astimezone(ZONE)
            .replace(hour=rng.choices(range(24), shape)[0]).astimezone(UTC)
            for _ in range(interactions)
        )  # fmt: skip
        for n, opened in enumerate(moments):
            ref = f"I-{n:09d}"
            first_s, close_s = rng.random() * 1800, 300 + rng.random() * 7200
            rows.append({
                "ref": ref, "channel": rng.choice(["chat", "call", "email"]),
                "merchant_id": f"M-{10001 + rng.randrange(5000)}", "agent_id": f"U{n % 60}",
                "agent_name": f"agent{n % 60}", "opened_at": opened,
                "first_reply_at": opened + timedelta(seconds=first_s),
                "closed_at": opened + timedelta(seconds=close_s),
                "outcome": "resolved", "source": "command",
                # the KPI columns as the bot records them: business seconds, SLA states, CSAT
                "first_response_s": first_s, "resolution_s": close_s,
                "first_response_due_at": opened + timedelta(minutes=15),
                "resolution_due_at": opened + timedelta(hours=4),
                "sla_first_response": "met" if first_s < 900 else "breached",
                "sla_resolution": "met" if close_s < 14_400 else "breached",
                "csat": rng.choice([1, 2, 3, 4, 4, 5, 5, 5]) if rng.random() < 0.4 else None,
            })  # fmt: skip
            tag = {"key": f"t-{n}", "tag": rng.choice(TAGS), "interaction_ref": ref}
            tags.append({**tag, "merchant_id": None, "added_at": opened, "added_by": "bench"})
            if len(rows) == CHUNK:
                connection.execute(insert(InteractionRow.__table__), rows)
                connection.execute(insert(TagRow.__table__), tags)
                rows, tags = [], []
        if rows:
            connection.execute(insert(InteractionRow.__table__), rows)
            connection.execute(insert(TagRow.__table__), tags)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    print(f"interactions: {interactions:,} in {time.perf_counter() - began:.0f} s", flush=True)


async def _time(url: str, rounds: int, now: datetime) -> dict[str, list[float]]:
    settings = load_settings(None, database_url=url)
    store = create_store(url)
    insight = Insight(store, settings, CommandRegistry(), now=lambda: now)
    queries: dict[str, Callable[[], Awaitable[Any]]] = {
        "/stats hours 30d": lambda: insight.hours(Period.days(30)),
        "/stats hours 30d #payment/failed": lambda: insight.hours(
            Period.days(30), "payment/failed"
        ),
        "/stats tags 7d": lambda: insight.tags(Period.days(7)),
        "/stats commands 7d": lambda: insight.commands(Period.days(7)),
        "/stats commands 1d": lambda: insight.commands(Period.days(1)),
        "/stats services 1d": lambda: insight.services(Period.days(1)),
        "/stats kpi 7d": lambda: insight.kpis(Period.days(7)),
        "/stats kpi 30d": lambda: insight.kpis(Period.days(30)),
        "/stats agents 7d": lambda: insight.agents(Period.days(7)),
        "dashboard (all panels)": lambda: build_panels(insight),
    }
    times: dict[str, list[float]] = {name: [] for name in queries}
    try:
        for query in queries.values():  # warm-up
            await query()
        for _ in range(rounds):
            for name, query in queries.items():
                began = time.perf_counter()
                await query()
                times[name].append((time.perf_counter() - began) * 1000)
    finally:
        await store.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1.0 = 1 M interactions, 5 M audit"
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--no-load", action="store_true", help="time a database an earlier run loaded, as it is"
    )
    args = parser.parse_args()
    if args.no_load and not args.database_url:
        parser.error("--no-load needs the --database-url of an earlier run")
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='stats-scale-')}/bench.db"
    now = datetime.now(UTC).replace(microsecond=0)
    upgrade(url)
    if not args.no_load:
        _load(url, round(1_000_000 * args.scale), round(5_000_000 * args.scale), now)
    times = asyncio.run(_time(url, args.rounds, now))
    target = 200.0 if url.startswith("postgres") else 1000.0
    print(f"\n{'query':<36}{'median ms':>11}{'worst ms':>10}  target < {target:.0f} ms")
    for name, values in times.items():
        median = statistics.median(values)
        mark = "ok" if median < target else "OVER"
        print(f"{name:<36}{median:>11.1f}{max(values):>10.1f}  {mark}")


if __name__ == "__main__":
    main()
