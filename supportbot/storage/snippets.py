"""The snippet library: every version of every reply text, and each use of one.

Reached as `store.snippets`. A new version is a job of the write path (it must know the version
before it: two leads editing at once get one version each, never the same number, because the
key and version are the primary key). A use needs no answer: it is an Insert, spooled while the
database is away, keyed by the request that used it so a replay leaves one row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from ._knowledge_tables import SnippetRow, SnippetUseRow
from .changes import Insert, insert_statement
from .reads import Reader
from .sanitize import clean_text, sanitized_row, stored_as
from .writer import Writer

__all__ = ["Snippet", "SnippetConflict", "SnippetUse", "Snippets"]

SNIPPETS: Table = SnippetRow.__table__  # type: ignore[assignment]
USES: Table = SnippetUseRow.__table__  # type: ignore[assignment]


@dataclass(frozen=True, kw_only=True)
class Snippet:
    """One version of a snippet."""

    key: str
    version: int
    title: str
    body: str
    owner: str
    reviewed_on: date | None = None
    asks: dict[str, str] | None = None
    created_by: str
    created_at: datetime


@dataclass(frozen=True, kw_only=True)
class SnippetUse:
    """A snippet rendered for someone: counted, and attached to the open interaction if any."""

    request_id: str
    key: str
    version: int
    user_id: str
    merchant_id: str | None = None
    interaction_id: str | None = None
    at: datetime


class SnippetConflict(Exception):
    """The snippet changed since the caller read it (another edit won), or already exists."""

    def __init__(self, current: Snippet | None) -> None:
        super().__init__(current.key if current else "")
        self.current = current


def _snippet(row: Any) -> Snippet:
    asks = row.asks if isinstance(row.asks, dict) else None
    return Snippet(
        key=row.key,
        version=row.version,
        title=row.title,
        body=row.body,
        owner=row.owner,
        reviewed_on=row.reviewed_on,
        asks={str(k): str(v) for k, v in asks.items()} if asks else None,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def _newest_versions() -> Any:
    return (
        select(SnippetRow.key, func.max(SnippetRow.version).label("version"))
        .group_by(SnippetRow.key)
        .subquery()
    )


class Snippets:
    """Table `snippets` (one row per version) and `snippet_uses`."""

    def __init__(self, read: Reader, writer: Writer) -> None:
        self._read = read
        self._writer = writer

    async def current(self, key: str) -> Snippet | None:
        """The newest version of `key`, or None."""
        statement = (
            select(SNIPPETS)
            .where(SnippetRow.key == stored_as(SnippetRow.key, key))
            .order_by(SnippetRow.version.desc())
            .limit(1)
        )

        async def read(session: AsyncSession) -> Snippet | None:
            row = (await session.execute(statement)).first()
            return _snippet(row) if row is not None else None

        return await self._read(read)

    async def library(self) -> list[Snippet]:
        """The newest version of every snippet, by key."""
        newest = _newest_versions()
        statement = (
            select(SNIPPETS)
            .join(
                newest,
                (SnippetRow.key == newest.c.key) & (SnippetRow.version == newest.c.version),
            )
            .order_by(SnippetRow.key)
        )

        async def read(session: AsyncSession) -> list[Snippet]:
            return [_snippet(row) for row in (await session.execute(statement)).all()]

        return await self._read(read)

    async def versions(self, key: str) -> list[Snippet]:
        """Every version of `key`, newest first."""
        statement = (
            select(SNIPPETS)
            .where(SnippetRow.key == stored_as(SnippetRow.key, key))
            .order_by(SnippetRow.version.desc())
        )

        async def read(session: AsyncSession) -> list[Snippet]:
            return [_snippet(row) for row in (await session.execute(statement)).all()]

        return await self._read(read)

    async def save(
        self,
        *,
        key: str,
        title: str,
        body: str,
        owner: str,
        by: str,
        asks: dict[str, str] | None = None,
        reviewed_on: date | None = None,
        after_version: int,
    ) -> Snippet:
        """Add the version after `after_version` (0: a new snippet) and return it.

        Raises SnippetConflict with the current version when `after_version` is not the newest
        any more (or, for 0, when the key exists): nobody's edit is lost silently.
        """
        now = datetime.now(UTC)
        values = sanitized_row(
            SNIPPETS,
            {
                "key": key,
                "version": after_version + 1,
                "title": title,
                "body": body,
                "owner": owner,
                "reviewed_on": reviewed_on or now.date(),
                "asks": asks or None,
                "created_by": by,
                "created_at": now,
            },
            keys=("key",),
        )
        newest = select(func.max(SnippetRow.version)).where(SnippetRow.key == values["key"])

        async def add(connection: AsyncConnection) -> Snippet | None:
            found = (await connection.execute(newest)).scalar()
            if (found or 0) != after_version:
                return None
            try:
                async with connection.begin_nested():
                    await connection.execute(insert_statement(SNIPPETS), values)
            except IntegrityError:
                return None
            return _snippet(_Row(values))

        saved = await self._writer.run(add)
        if saved is None:
            current = await self.current(key)
            if current is not None and current.created_at == now and current.created_by == by:
                return current  # our own commit, retried by the write path after a lost answer
            raise SnippetConflict(current)
        return saved

    async def seed(self, snippets: Sequence[Snippet]) -> int:
        """Add version 1 of every snippet whose key is not in the library yet; how many were
        added. Keys already there are left alone (a lead's edit is never overwritten)."""
        rows = [
            sanitized_row(
                SNIPPETS,
                {
                    "key": s.key,
                    "version": 1,
                    "title": s.title,
                    "body": s.body,
                    "owner": s.owner,
                    "reviewed_on": s.reviewed_on,
                    "asks": s.asks or None,
                    "created_by": s.created_by,
                    "created_at": s.created_at,
                },
                keys=("key",),
            )
            for s in snippets
        ]
        if not rows:
            return 0
        keys = select(SnippetRow.key).where(SnippetRow.key.in_([r["key"] for r in rows]))

        async def add(connection: AsyncConnection) -> int:
            present = set((await connection.execute(keys)).scalars())
            missing = [row for row in rows if row["key"] not in present]
            if not missing:
                return 0
            try:  # one statement for all of them: the usual start, with nothing seeded yet
                async with connection.begin_nested():
                    await connection.execute(insert_statement(SNIPPETS), missing)
                return len(missing)
            except IntegrityError:
                pass  # another replica seeded some meanwhile: add the rest one by one
            added = 0
            for row in missing:
                try:
                    async with connection.begin_nested():
                        await connection.execute(insert_statement(SNIPPETS), row)
                    added += 1
                except IntegrityError:
                    continue  # seeded meanwhile by another replica
            return added

        return await self._writer.run(add)

    async def record_use(self, use: SnippetUse) -> None:
        """Count one use; returns once it is durable (committed, or spooled)."""
        values = {
            "request_id": use.request_id,
            "key": use.key,
            "version": use.version,
            "user_id": use.user_id,
            "merchant_id": use.merchant_id,
            "interaction_id": use.interaction_id,
            "at": use.at,
        }
        row = sanitized_row(USES, values, keys=("request_id",))
        try:
            await self._writer.write(Insert(USES, row, ("request_id",)))
        except IntegrityError:
            pass  # this request's use is counted already (a replay)

    async def use_counts(self, keys: Sequence[str] | None = None) -> dict[str, int]:
        """How often each snippet was used (every version together)."""
        statement = select(SnippetUseRow.key, func.count()).group_by(SnippetUseRow.key)
        if keys is not None:
            statement = statement.where(SnippetUseRow.key.in_([clean_text(k) for k in keys]))

        async def read(session: AsyncSession) -> dict[str, int]:
            return {str(k): int(n) for k, n in (await session.execute(statement)).all()}

        return await self._read(read)

    async def uses_of_interaction(self, interaction_id: str) -> list[SnippetUse]:
        """The snippets used while `interaction_id` was open, oldest first."""
        statement = (
            select(USES)
            .where(SnippetUseRow.interaction_id == clean_text(interaction_id))
            .order_by(SnippetUseRow.at)
        )

        async def read(session: AsyncSession) -> list[SnippetUse]:
            return [
                SnippetUse(
                    request_id=r.request_id,
                    key=r.key,
                    version=r.version,
                    user_id=r.user_id,
                    merchant_id=r.merchant_id,
                    interaction_id=r.interaction_id,
                    at=r.at,
                )
                for r in (await session.execute(statement)).all()
            ]

        return await self._read(read)


class _Row:
    """Attribute access to a dict of column values (what `_snippet` reads)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.__dict__.update(values)
