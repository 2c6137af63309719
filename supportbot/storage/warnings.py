"""Early warnings: one row per warning, counted up by later reports of the same tag.

Reached as `store.warnings`. `report` is one job of the write path: it closes the tag's stale
warning (no report within the window), then adds to the open one or opens a new one. The open
warning of a tag is held by the unique column `open_tag`, so two reports racing on two replicas
end as one warning with two reports; a report replayed under the same request id counts once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from ._warning_tables import WarningReportRow, WarningRow
from .changes import Update, insert_statement
from .reads import Reader
from .sanitize import sanitized_row, stored_as
from .writer import Writer

__all__ = ["EarlyWarning", "WarningReport", "Warnings"]

WARNINGS: Table = WarningRow.__table__  # type: ignore[assignment]
REPORTS: Table = WarningReportRow.__table__  # type: ignore[assignment]


@dataclass(frozen=True, kw_only=True)
class EarlyWarning:
    """One early warning as stored: its first report, how many came since, where it was posted."""

    id: int
    tag: str | None
    text: str
    source: str
    opened_by: str
    opened_at: datetime
    last_at: datetime
    reports: int
    channel: str | None = None
    message_ts: str | None = None

    @property
    def ref(self) -> str:
        """`W-12`."""
        return f"W-{self.id}"


@dataclass(frozen=True)
class WarningReport:
    """What one `report` did: the warning after it, and whether it opened it (else: added)."""

    warning: EarlyWarning
    opened: bool


def _warning(row: Any) -> EarlyWarning:
    return EarlyWarning(
        id=row.id,
        tag=row.tag,
        text=row.text,
        source=row.source,
        opened_by=row.opened_by,
        opened_at=row.opened_at,
        last_at=row.last_at,
        reports=row.reports,
        channel=row.channel,
        message_ts=row.message_ts,
    )


class Warnings:
    """Tables `early_warnings` and `early_warning_reports`."""

    def __init__(self, read: Reader, writer: Writer) -> None:
        self._read = read
        self._writer = writer

    async def report(
        self,
        *,
        tag: str | None,
        text: str,
        by: str,
        request_id: str,
        at: datetime,
        window: timedelta,
        source: str = "agent",
    ) -> WarningReport:
        """Add one report: to the tag's warning when its last report is within `window` of
        `at`, else as a new warning (an untagged report is always a new one)."""
        tag = stored_as(WarningRow.tag, tag) if tag else None
        report_row = sanitized_row(
            REPORTS,
            {"warning_id": 0, "request_id": request_id, "by": by, "at": at, "text": text},
            keys=("request_id",),
        )
        new_row = sanitized_row(
            WARNINGS,
            {
                "tag": tag,
                "open_tag": tag,
                "text": text,
                "source": source,
                "opened_by": by,
                "opened_at": at,
                "last_at": at,
                "reports": 1,
            },
        )
        replayed = select(WarningReportRow.warning_id).where(
            WarningReportRow.request_id == report_row["request_id"]
        )

        async def one_report(connection: AsyncConnection) -> tuple[int, bool]:
            earlier = (await connection.execute(replayed)).scalar()
            if earlier is not None:
                return int(earlier), False  # this request was counted already
            if tag is not None:
                await connection.execute(
                    update(WarningRow)
                    .where(WarningRow.open_tag == tag, WarningRow.last_at < at - window)
                    .values(open_tag=None)
                )
                for _ in range(3):  # another replica may open it between our read and insert
                    found = await _add_to_open(connection, tag, at)
                    if found is not None:
                        await _add_report(connection, report_row, found)
                        return found, False
                    opened = await _open(connection, new_row)
                    if opened is not None:
                        await _add_report(connection, report_row, opened)
                        return opened, True
                raise RuntimeError(f"could not add a report to the warning about {tag}")
            opened = await _open(connection, new_row)
            assert opened is not None  # no unique tag to collide on
            await _add_report(connection, report_row, opened)
            return opened, True

        warning_id, opened = await self._writer.run(one_report)
        warning = await self.get(warning_id)
        assert warning is not None
        return WarningReport(warning, opened)

    async def set_message(self, warning_id: int, channel: str, ts: str) -> None:
        """Remember where the warning was posted, so later reports edit that message."""
        values = sanitized_row(WARNINGS, {"channel": channel, "message_ts": ts})
        await self._writer.write(Update(WARNINGS, {"id": warning_id}, values))

    async def get(self, warning_id: int) -> EarlyWarning | None:
        """Warning W-`warning_id`, or None."""
        statement = select(WARNINGS).where(WarningRow.id == warning_id)

        async def read(session: AsyncSession) -> EarlyWarning | None:
            row = (await session.execute(statement)).first()
            return _warning(row) if row is not None else None

        return await self._read(read)

    async def recent(self, since: datetime, *, tag: str | None = None) -> list[EarlyWarning]:
        """Warnings with a report at or after `since` (about `tag`), newest first."""
        statement = select(WARNINGS).where(WarningRow.last_at >= since)
        if tag is not None:
            statement = statement.where(WarningRow.tag == stored_as(WarningRow.tag, tag))
        statement = statement.order_by(WarningRow.last_at.desc()).limit(100)

        async def read(session: AsyncSession) -> list[EarlyWarning]:
            return [_warning(row) for row in (await session.execute(statement)).all()]

        return await self._read(read)

    async def reports_of(self, warning_id: int, *, limit: int = 5) -> list[tuple[str, datetime]]:
        """(who, when) of the newest reports of a warning, newest first."""
        statement = (
            select(WarningReportRow.by, WarningReportRow.at)
            .where(WarningReportRow.warning_id == warning_id)
            .order_by(WarningReportRow.at.desc(), WarningReportRow.id.desc())
            .limit(limit)
        )

        async def read(session: AsyncSession) -> list[tuple[str, datetime]]:
            return [(str(b), a) for b, a in (await session.execute(statement)).all()]

        return await self._read(read)


async def _add_to_open(connection: AsyncConnection, tag: str, at: datetime) -> int | None:
    found = (
        await connection.execute(select(WarningRow.id).where(WarningRow.open_tag == tag))
    ).scalar()
    if found is None:
        return None
    counted = await connection.execute(
        update(WarningRow)
        .where(WarningRow.id == found, WarningRow.open_tag == tag)
        .values(reports=WarningRow.reports + 1, last_at=at)
    )
    return int(found) if counted.rowcount == 1 else None


async def _open(connection: AsyncConnection, row: dict[str, Any]) -> int | None:
    try:
        async with connection.begin_nested():
            result = await connection.execute(
                insert_statement(WARNINGS).returning(WarningRow.id), row
            )
            return int(result.scalar_one())
    except IntegrityError:
        return None  # the tag's warning was opened meanwhile


async def _add_report(connection: AsyncConnection, row: dict[str, Any], warning_id: int) -> None:
    await connection.execute(insert_statement(REPORTS), {**row, "warning_id": warning_id})
