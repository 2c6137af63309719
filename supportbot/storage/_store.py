"""The Store: the repositories (`store.audit`, ...) on one database, its write path and its
health."""

from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from ._actions import ActionLedger
from ._audit import AuditLog
from ._delivery_state import ButtonStates, ProcessedEvents
from ._engine import (
    async_url,
    make_async_engine,
    make_sqlite_read_engine,
    make_writer_engine,
    safe_url,
    sqlite_path,
)
from .faults import DatabaseTarget
from .health import StorageHealth
from .incidents import Incidents
from .kpi import KpiStore
from .leases import Leases
from .local_reads import READ_THREADS, LocalReads
from .reads import Reader
from .record import RecordStore
from .requests import FeatureRequests
from .shares import Shares
from .snippets import Snippets
from .spool import Spool
from .sqlite_file import SqliteFile
from .stats import StatsQueries
from .warnings import Warnings
from .writer import WritePolicy, Writer

__all__ = ["Store", "create_store", "default_spool_dir", "spool_folder"]

#: Writer connections on PostgreSQL: a few, so that one group waiting on a row lock held by
#: another replica does not hold up every write of this process.
POSTGRES_WRITERS = 3


class Store:
    """Everything the bot keeps in its database. Close it when done (or use `async with`).

    Each table is reached through its repository: `audit`, `actions`, `events` (deliveries
    already acted on) and `button_states` (what the buttons of posted messages do). Reads use
    the pooled `engine` (`sessions`); every write goes through `writer`, the one write path of
    the process. `health()` says whether writes reach the database. No other package writes SQL.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        writer: Writer,
        *,
        sqlite_file: SqliteFile | None = None,
        local_reads: LocalReads | None = None,
    ) -> None:
        self.engine = engine
        self.sessions = async_sessionmaker(engine, expire_on_commit=False)
        self.writer = writer
        self._local_reads = local_reads
        self.read = Reader(
            self.sessions, writer.target, writer.policy.read_timeout_s, local=local_reads
        )
        self._file = sqlite_file
        self.audit = AuditLog(self.read, writer)
        self.actions = ActionLedger(self.read, writer)
        self.events = ProcessedEvents(self.read, writer)
        self.button_states = ButtonStates(self.read, writer)
        self.leases = Leases(self.read, writer)
        self.stats = StatsQueries(self.read, writer)
        self.record = RecordStore(self.read, writer)
        self.kpi = KpiStore(self.read, writer)
        self.snippets = Snippets(self.read, writer)
        self.incidents = Incidents(self.read, writer)
        self.warnings = Warnings(self.read, writer)
        self.shares = Shares(self.read, writer)
        self.requests = FeatureRequests(self.read, writer)

    def health(self) -> StorageHealth:
        """Whether writes reach the database now, and if not, why and what waits in the spool.

        Cheap enough to call for every readiness probe: on SQLite it checks that the file is
        still the one opened (one stat), and a deleted or replaced file is noticed here even
        when nothing was written since.
        """
        if self._file is not None and self.writer.health.ok:
            problem = self._file.problem()
            if problem is not None:
                self.writer.notice(problem)
        state = self.writer.health
        spool = self.writer.spool
        return StorageHealth(
            ok=state.ok,
            problem=state.problem,
            since=state.since,
            spooled=spool.count,
            held_in_memory=spool.held,
            spool_folder=str(spool.folder),
        )

    def start(self) -> None:
        """Start the write path now: rows a stopped process left in the spool are replayed
        (and counted by `health()`) at once rather than on the first write. Needs a running
        event loop; the bot calls it when it opens the store."""
        self.writer.start()

    async def close(self) -> None:
        """Commit or spool every write still waiting, then close every connection."""
        try:
            await self.writer.close()
        finally:
            await asyncio.gather(self.engine.dispose(), self.writer.engine.dispose())
            if self._local_reads is not None:
                await asyncio.to_thread(self._local_reads.close)

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()


def default_spool_dir() -> Path:
    """Where a PostgreSQL store spools when it is given no folder: the user's state folder."""
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(Path.home(), ".local", "state")
    return Path(state) / "supportbot"


def spool_folder(url: str, spool_dir: str | Path | None) -> Path:
    """The folder where rows for the database at `url` wait while it is away (see
    `create_store`): one per database, so rows are only ever replayed where they belong."""
    path = sqlite_path(url) if async_url(url).get_backend_name() == "sqlite" else None
    return _spool_folder(url, Path(spool_dir) if spool_dir else None, path)


def _spool_folder(url: str, spool_dir: Path | None, sqlite: Path | None) -> Path:
    if sqlite is not None:
        return (spool_dir or sqlite.parent) / f"{sqlite.name}-spool"
    digest = hashlib.sha256(safe_url(async_url(url)).encode()).hexdigest()[:12]
    return (spool_dir or default_spool_dir()) / f"spool-{digest}"


def create_store(
    url: str, *, spool_dir: str | Path | None = None, policy: WritePolicy | None = None
) -> Store:
    """A Store on `url` (see `supportbot.storage` for the accepted forms).

    `spool_dir`: the folder whose `<database>-spool` subfolder keeps rows while the database is
    away (default: the SQLite file's folder; for PostgreSQL, `default_spool_dir()`: pass the
    bot's data folder). `policy`: the write path's timeouts (`WritePolicy()`).

    Checks without connecting what can be checked (the URL's form, the SQLite folder) and raises
    ConfigError for those. The server itself is reached on first use: call `upgrade(url)` or
    `is_up_to_date(url)` first, which raise ConfigError when it cannot be reached.
    """
    policy = policy or WritePolicy()
    engine = make_async_engine(url, bound_s=policy.read_timeout_s)
    sqlite = engine.dialect.name == "sqlite"
    path = sqlite_path(url) if sqlite else None
    writers = 1 if sqlite else POSTGRES_WRITERS
    writer_engine = make_writer_engine(url, writers=writers, bound_s=policy.write_timeout_s)
    sqlite_file = SqliteFile(path) if path is not None else None
    local_reads = None
    if sqlite_file is not None:
        local_reads = LocalReads(make_sqlite_read_engine(url, connections=READ_THREADS))
        for guarded in (engine.sync_engine, writer_engine.sync_engine, local_reads.engine):
            sqlite_file.guard(guarded)
    target = DatabaseTarget("SQLite", path) if path is not None else DatabaseTarget("PostgreSQL")
    writer = Writer(
        writer_engine,
        Spool(_spool_folder(url, Path(spool_dir) if spool_dir else None, path)),
        target,
        policy=policy,
        sqlite_file=sqlite_file,
        writers=writers,
    )
    return Store(engine, writer, sqlite_file=sqlite_file, local_reads=local_reads)
