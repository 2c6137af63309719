"""The stats queries over the audit trail and the service rollups: the only SQL of `/stats`.

Durations are reported as percentiles, never means: a few slow runs would make a mean say
nothing about the usual run. Percentiles of the audit trail are exact (nearest rank: the
smallest duration with at least p % of the runs at or below it), computed in the database with
window functions that SQLite and PostgreSQL both have, over the covering index
`ix_audit_records_period`. Service latencies come from per-minute histograms, so their
percentiles are estimated inside a bucket, as Prometheus' `histogram_quantile` does.

Reached as `store.stats`.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ._insight_tables import ServiceCallRollup
from ._models import AuditRecord
from .changes import Insert
from .contact_stats import ContactQueries
from .percentiles import PercentileQuery, report_sorts_in_memory
from .reads import Reader
from .sanitize import sanitized_row
from .writer import Writer

__all__ = [
    "CommandStats",
    "ServiceMinute",
    "ServiceStats",
    "StatsQueries",
    "histogram_quantile",
]

ROLLUPS: Table = ServiceCallRollup.__table__  # type: ignore[assignment]
ROLLUP_KEY = ("flush_id", "service", "minute")


@dataclass(frozen=True)
class CommandStats:
    """The runs of one command that ended one way, in a period."""

    command: str | None
    outcome: str
    runs: int
    #: Runs about a customer (the audit row names a target): the lookups and actions.
    about_customer: int
    p50_ms: float
    p90_ms: float
    p95_ms: float


@dataclass(frozen=True)
class ServiceStats:
    """The calls to one service in a period (every replica's), with estimated percentiles."""

    service: str
    calls: int
    errors: int
    p50_ms: float | None
    p90_ms: float | None
    p95_ms: float | None

    @property
    def error_rate(self) -> float:
        """Errors per call (0 without calls)."""
        return self.errors / self.calls if self.calls else 0.0


@dataclass(frozen=True)
class ServiceMinute:
    """What one process saw of one service in one minute, as it flushes it."""

    minute: datetime
    service: str
    calls: int
    errors: int
    seconds: float
    buckets: Sequence[int]


def histogram_quantile(q: float, bounds: Sequence[float], counts: Sequence[int]) -> float | None:
    """The q-quantile (0..1) of a histogram, interpolated linearly inside its bucket.

    `counts[i]` counts the values in (bounds[i-1], bounds[i]]; one more count than bounds holds
    the values above the last bound, for which the last bound is returned (the most that can be
    said). None for an empty histogram.
    """
    total = sum(counts)
    if total == 0:
        return None
    rank = q * total
    seen = 0
    for index, count in enumerate(counts):
        if count and seen + count >= rank:
            if index >= len(bounds):
                return bounds[-1]
            low = bounds[index - 1] if index > 0 else 0.0
            return low + (bounds[index] - low) * (rank - seen) / count
        seen += count
    return bounds[-1]


#: The percentiles /stats commands reports.
COMMAND_PERCENTILES = (50, 90, 95)


async def _command_stats(session: AsyncSession, since: datetime, until: datetime) -> list[Any]:
    """(command, outcome, runs, about a customer, p50, p90, p95) rows of [since, until), most
    runs first."""
    audit = AuditRecord
    query = PercentileQuery(
        await report_sorts_in_memory(session),
        where=(audit.at >= since, audit.at < until),
        values={"duration_ms": audit.duration_ms},
    )
    about = case((audit.target.is_not(None), 1), else_=0)
    statement = (
        select(
            audit.command,
            audit.outcome,
            func.count(),
            func.sum(about),
            *query.columns("duration_ms", COMMAND_PERCENTILES),
        )
        .where(*query.where)
        .group_by(audit.command, audit.outcome)
        .order_by(func.count().desc(), audit.command, audit.outcome)
    )
    rows = [list(row) for row in (await session.execute(statement)).all()]
    for row in rows:
        row[4:7] = query.ranked(row[4:7], COMMAND_PERCENTILES)
    return rows


class StatsQueries:
    """Reads for `/stats` and the dashboard, and the flush of service rollups."""

    def __init__(self, read: Reader, writer: Writer) -> None:
        self._read = read
        self._writer = writer
        #: Contacts of the support record by hour and by tag.
        self.contacts = ContactQueries(read)

    async def commands(self, since: datetime, until: datetime) -> list[CommandStats]:
        """Runs by command and outcome in [since, until), with p50/p90/p95 durations; most
        runs first. One grouped query."""

        async def read(session: AsyncSession) -> list[CommandStats]:
            rows = await _command_stats(session, since, until)
            return [
                CommandStats(
                    command=row[0],
                    outcome=row[1],
                    runs=int(row[2]),
                    about_customer=int(row[3] or 0),
                    p50_ms=float(row[4]),
                    p90_ms=float(row[5]),
                    p95_ms=float(row[6]),
                )
                for row in rows
            ]

        return await self._read(read)

    async def services(
        self, since: datetime, until: datetime, bounds: Sequence[float]
    ) -> list[ServiceStats]:
        """Calls, errors and estimated percentiles by service in [since, until), every
        replica's rollups added up (`bounds`: the histogram's upper bounds in seconds)."""
        rollup = ServiceCallRollup
        statement = (
            select(rollup.service, rollup.calls, rollup.errors, rollup.buckets)
            .where(rollup.minute >= since, rollup.minute < until)
            .order_by(rollup.service)
        )

        async def read(session: AsyncSession) -> list[tuple[str, int, int, list[int]]]:
            return [tuple(row) for row in (await session.execute(statement)).all()]  # type: ignore[misc]

        totals: dict[str, tuple[int, int, list[int]]] = {}
        for service, calls, errors, buckets in await self._read(read):
            seen_calls, seen_errors, seen_buckets = totals.get(
                service, (0, 0, [0] * (len(bounds) + 1))
            )
            for index, count in enumerate(buckets[: len(seen_buckets)]):
                seen_buckets[index] += int(count)
            totals[service] = (seen_calls + calls, seen_errors + errors, seen_buckets)
        found = []
        for service, (calls, errors, buckets) in totals.items():
            p50, p90, p95 = (histogram_quantile(q, bounds, buckets) for q in (0.5, 0.9, 0.95))
            found.append(
                ServiceStats(
                    service=service,
                    calls=calls,
                    errors=errors,
                    p50_ms=None if p50 is None else p50 * 1000,
                    p90_ms=None if p90 is None else p90 * 1000,
                    p95_ms=None if p95 is None else p95 * 1000,
                )
            )
        return sorted(found, key=lambda s: (-s.calls, s.service))

    async def record_service_minutes(self, replica: str, minutes: Sequence[ServiceMinute]) -> None:
        """Store one flush of a process's service rollups (durable on return; spooled while
        the database is away, written once when it is back)."""
        flush_id = uuid.uuid4().hex
        rows = []
        for minute in minutes:
            values: Mapping[str, Any] = {
                "minute": minute.minute,
                "replica": replica,
                "service": minute.service,
                "calls": minute.calls,
                "errors": minute.errors,
                "seconds": minute.seconds,
                "buckets": list(minute.buckets),
                "flush_id": flush_id,
            }
            rows.append(sanitized_row(ROLLUPS, values, keys=("flush_id", "service")))
        # concurrently: they go into one group, one commit
        await asyncio.gather(
            *(self._writer.write(Insert(ROLLUPS, row, ROLLUP_KEY)) for row in rows)
        )
