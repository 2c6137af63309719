"""The spool: a local append-only journal of the rows the database could not take in time.

Each process appends to a file of its own in the spool folder (`<pid>-<random>.jsonl`, one JSON
object a line, folder 0700 and files 0600: readable only by the owner), holds an exclusive
`flock` on it while it lives, and fsyncs every group of appends before their callers go on:
a spooled row is as durable as a committed one. When the database is back, the rows are replayed
(`take`, then `SpoolBatch.replayed`), and the file is emptied only once everything in it has been
committed: a crash in between replays it again, and the rows' natural keys make the second replay
a no-op. Files left by a process that died (no lock on them) are adopted and replayed the same way.

A full disk must not stop the spool: each file keeps a reserve of disk space allocated beyond its
end (`fallocate` with FALLOC_FL_KEEP_SIZE, Linux), so appends land in space that is already
there. If the spool cannot be written at all (a read-only folder, a full disk past the reserve),
rows are held in memory and written to the log, and `held` says how many.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import fcntl
import json
import logging
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Spool", "SpoolBatch", "count_spooled"]

log = logging.getLogger("supportbot.storage")

#: Disk space kept allocated beyond the end of the spool file: about 8,000 audit rows.
RESERVE_BYTES = 4 * 1024 * 1024
_FALLOC_FL_KEEP_SIZE = 1
Record = dict[str, Any]


def _fallocate() -> Any:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        function = libc.fallocate
    except (OSError, AttributeError):  # not Linux: no reserve, the spool still works
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_longlong, ctypes.c_longlong]
    return function


_FALLOCATE = _fallocate()


def _reserve(fd: int, size: int) -> None:
    """Keep RESERVE_BYTES allocated past `size`, without changing the file's size."""
    if _FALLOCATE is not None:
        _FALLOCATE(fd, _FALLOC_FL_KEEP_SIZE, size, RESERVE_BYTES)  # best effort


def _encode(records: Iterable[Record]) -> bytes:
    return b"".join(
        json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
        for record in records
    )


def _decode(data: bytes, source: Path) -> list[Record]:
    records: list[Record] = []
    for number, line in enumerate(data.splitlines(), 1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except ValueError:  # a line torn by a crash mid-write: it was never acknowledged
            log.warning("spool %s: line %d is incomplete and was skipped", source, number)
    return records


def count_spooled(folder: Path) -> int:
    """Rows waiting in the spool files of `folder`, counted from outside (`supportbot doctor`):
    read without taking any file, so a running bot's spool is left alone."""
    count = 0
    for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else ():
        with contextlib.suppress(OSError):
            count += len(_decode(path.read_bytes(), path))
    return count


@dataclass
class _File:
    """One spool file, open and locked by this process."""

    path: Path
    fd: int
    #: Bytes already replayed into the database (kept until the whole file is).
    replayed: int = 0

    def size(self) -> int:
        return os.fstat(self.fd).st_size

    def close(self, *, delete: bool) -> None:
        if delete:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
        os.close(self.fd)


@dataclass
class SpoolBatch:
    """Rows taken out of the spool to be replayed; call `replayed()` once they are committed,
    `failed()` otherwise (they stay spooled)."""

    records: list[Record]
    _spool: Spool
    _ends: list[tuple[_File, int]] = field(default_factory=list)
    _held: list[Record] = field(default_factory=list)

    def replayed(self) -> None:
        """The records are in the database: the spool may forget them."""
        for spool_file, end in self._ends:
            spool_file.replayed = end
        self._spool._after_replay(self)

    def failed(self) -> None:
        """The replay did not commit: everything stays spooled for the next attempt."""
        self._spool._held[:0] = self._held


class Spool:
    """The spool folder of one database, for this process. `open()` before use."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._own: _File | None = None
        self._orphans: list[_File] = []
        self._held: list[Record] = []
        self._waiting: list[tuple[list[Record], asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._count = 0
        #: Why the spool file cannot be written, while it cannot (None when it can).
        self.problem: str | None = None

    # --- state -------------------------------------------------------------------------------

    @property
    def count(self) -> int:
        """Rows waiting in the spool (in its files or held in memory) for the database."""
        return self._count

    @property
    def held(self) -> int:
        """Rows only in memory (and in the log): the spool file could not take them."""
        return len(self._held)

    # --- opening -----------------------------------------------------------------------------

    def open(self) -> None:
        """Create this process's file (and the folder), reserve space, adopt orphaned files.

        Never raises: a spool that cannot be created holds rows in memory and says why.
        """
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            path = self.folder / f"{os.getpid()}-{secrets.token_hex(4)}.jsonl"
            # Locked under another name first: another process adopts only `*.jsonl` files
            # it can lock, so it never takes this one while it is being born.
            creating = path.with_suffix(".creating")
            fd = os.open(creating, os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            os.rename(creating, path)
            _reserve(fd, 0)
            self._fsync_folder()
            self._own = _File(path, fd)
        except OSError as exc:
            self.problem = f"{self.folder}: {exc.strerror or exc}"
            log.error("cannot create the spool in %s: %s", self.folder, exc)
            return
        for path in sorted(self.folder.glob("*.jsonl")):
            if path != self._own.path:
                self._adopt(path)

    def _adopt(self, path: Path) -> None:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
        except OSError:
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # its process is alive: it replays its own rows
            os.close(fd)
            return
        orphan = _File(path, fd)
        if orphan.size() == 0:  # a stopped process that spooled nothing
            orphan.close(delete=True)
            return
        count = len(_decode(os.pread(fd, orphan.size(), 0), path))
        self._count += count
        self._orphans.append(orphan)
        log.warning("spool: %d rows left by a stopped process in %s will be replayed", count, path)

    def _fsync_folder(self) -> None:
        fd = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    # --- appending ---------------------------------------------------------------------------

    async def append(self, records: list[Record]) -> None:
        """Make `records` durable in the spool (one fsync for everything waiting), or, when the
        file cannot take them, hold them in memory and log them. Never raises for the disk."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((records, future))
        self._count += len(records)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._flush())
        await asyncio.shield(future)

    async def _flush(self) -> None:
        while self._waiting:
            waiting, self._waiting = self._waiting, []
            records = [record for group, _ in waiting for record in group]
            try:
                await asyncio.to_thread(self._write, _encode(records))
                self.problem = None
            except OSError as exc:
                self._hold(records, f"{self.folder}: {exc.strerror or exc}")
            for _, future in waiting:
                if not future.done():
                    future.set_result(None)

    def _write(self, data: bytes) -> None:
        own = self._own
        if own is None:
            raise OSError(f"the spool file could not be created ({self.problem})")
        written = os.write(own.fd, data)
        if written != len(data):  # a short write on a full disk: the tail would be torn
            raise OSError(28, "No space left on device")
        os.fsync(own.fd)
        stat = os.fstat(own.fd)
        if stat.st_blocks * 512 - stat.st_size < RESERVE_BYTES // 2:
            _reserve(own.fd, stat.st_size)

    def _hold(self, records: list[Record], problem: str) -> None:
        self.problem = problem
        self._held.extend(records)
        for record in records:  # the log is the last place these rows exist outside memory
            line = _encode([record]).decode().rstrip()
            log.error("spool unavailable (%s); row kept in memory: %s", problem, line)

    async def idle(self) -> None:
        """Wait until every append so far is written (or held)."""
        while self._flusher is not None and not self._flusher.done():
            await asyncio.shield(self._flusher)

    # --- replaying ---------------------------------------------------------------------------

    async def take(self) -> SpoolBatch | None:
        """The rows not yet replayed (orphans' first, then held ones, then this process's own
        file), or None when the spool is empty."""
        await self.idle()
        batch = SpoolBatch([], self)
        batch._held, self._held = self._held, []
        files = [*self._orphans, *([self._own] if self._own is not None else [])]
        for spool_file in files:
            end = spool_file.size()
            if end > spool_file.replayed:
                length = end - spool_file.replayed
                data = await asyncio.to_thread(os.pread, spool_file.fd, length, spool_file.replayed)
                batch.records += _decode(data, spool_file.path)
                batch._ends.append((spool_file, end))
        batch.records += batch._held
        if not batch.records and not batch._ends:
            return None
        return batch

    def _after_replay(self, batch: SpoolBatch) -> None:
        self._count = max(0, self._count - len(batch.records))
        for orphan in [f for f in self._orphans if f.replayed >= f.size()]:
            self._orphans.remove(orphan)
            orphan.close(delete=True)
            log.info("spool: replayed and removed %s", orphan.path)

    def empty_now(self) -> bool:
        """If everything spooled has been replayed, empty this process's file and say True.

        Synchronous on purpose: nothing can be appended between the check and the truncation.
        """
        if self._held or self._orphans or self._waiting:
            return False
        if self._flusher is not None and not self._flusher.done():
            return False
        own = self._own
        if own is not None:
            if own.size() > own.replayed:
                return False
            if own.replayed:
                with contextlib.suppress(OSError):
                    os.ftruncate(own.fd, 0)
                    _reserve(own.fd, 0)
                own.replayed = 0
        self._count = 0
        return True

    # --- closing -----------------------------------------------------------------------------

    async def close(self) -> None:
        """Write what is waiting, release the files; an empty file of this process is deleted,
        one with rows is left for the next start to replay."""
        await self.idle()
        if self._held and self._own is not None:
            held, self._held = self._held, []
            try:
                await asyncio.to_thread(self._write, _encode(held))
            except OSError as exc:
                log.error("%d rows could not be spooled (the log has them): %s", len(held), exc)
        own, self._own = self._own, None
        if own is not None:
            own.close(delete=own.size() <= own.replayed)
        for orphan in self._orphans:
            orphan.close(delete=False)
        self._orphans = []
        with contextlib.suppress(OSError):
            self.folder.rmdir()  # only when nothing is left in it
