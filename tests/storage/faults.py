"""Ways to break a database for the fault tests: a private PostgreSQL server to stop and freeze,
read-only files and folders, and a small full disk.

The shared test server of `.ci/postgres.sh` is used by other test runs at the same time, so the
tests that stop or freeze PostgreSQL start a throwaway server of their own (initdb into a
temporary folder, as `.ci/postgres.sh` does). Making a file read-only for root, or a disk full,
needs mounts: those helpers skip the test when the process may not mount.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from supportbot.storage import sync_url


def _pg_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return candidates[-1].parent if candidates else None


def _as_owner(command: list[str]) -> list[str]:
    """Run as the `postgres` user when we are root (initdb refuses root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PrivateServer:
    """A PostgreSQL server of one test module: `url`, and ways to stop, start and freeze it."""

    bin: Path
    folder: Path
    port: int
    url: str

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            _as_owner([str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), *args]),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )

    def start(self) -> None:
        """Start (again) on the same port."""
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off "
            "-c full_page_writes=off"
        )
        self._ctl("-l", str(self.folder / "server.log"), "-w", "-t", "60", "-o", options, "start")

    def stop(self) -> None:
        """Stop at once, as a crash would (`-m immediate`)."""
        self._ctl("-m", "immediate", "-w", "stop")

    def new_database(self) -> str:
        """The URL of a new, empty database on this server."""
        name = f"test_{secrets.token_hex(6)}"
        engine = create_engine(sync_url(self.url), isolation_level="AUTOCOMMIT", poolclass=NullPool)
        try:
            with engine.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()
        return self.url.rsplit("/", 1)[0] + "/" + name

    def pids(self) -> list[int]:
        """The postmaster and every backend and helper process of this server."""
        postmaster = int((self.folder / "data" / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(postmaster)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.split()
        return [postmaster, *(int(pid) for pid in children)]

    @contextlib.contextmanager
    def frozen(self) -> Iterator[None]:
        """Every process of the server stopped (SIGSTOP) inside the block; always resumed."""
        pids = self.pids()
        try:
            for pid in pids:
                os.kill(pid, signal.SIGSTOP)
            yield
        finally:
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)


@contextlib.contextmanager
def private_postgres() -> Iterator[PrivateServer]:
    """A throwaway PostgreSQL server on loopback; skipped when PostgreSQL is not installed."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL's server binaries are not installed")
    folder = Path(tempfile.mkdtemp(prefix="supportbot-private-pg-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
        password = secrets.token_hex(12)
        password_file = folder / "password"
        password_file.write_text(password)
        if os.geteuid() == 0:
            shutil.chown(password_file, "postgres")
        subprocess.run(
            _as_owner(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(folder / "data"),
                    "-U",
                    "supportbot",
                    f"--pwfile={password_file}",
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--no-sync",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
            timeout=120,
        )
        password_file.unlink()
        port = _free_port()
        url = f"postgresql://supportbot:{password}@127.0.0.1:{port}/postgres"
        server = PrivateServer(bin_dir, folder, port, url)
        server.start()
        try:
            yield server
        finally:
            with contextlib.suppress(Exception):
                for pid in server.pids():
                    os.kill(pid, signal.SIGCONT)
            with contextlib.suppress(Exception):
                server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def server() -> Iterator[PrivateServer]:
    """One private server for a test module (import this fixture into it)."""
    with private_postgres() as started:
        yield started


# --- file systems ----------------------------------------------------------------------------


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=30)


def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "2m") -> Iterator[Path]:
    """`folder` as a small tmpfs of its own, to fill up; skipped unless we may mount."""
    if not _can_mount():
        pytest.skip("a full disk needs a tmpfs mount, which needs root")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder))
    except subprocess.CalledProcessError as exc:
        pytest.skip(f"cannot mount a tmpfs here: {exc.stderr!r}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)


def fill(folder: Path) -> Path:
    """Write to `folder` until its disk is full; returns the filler file (delete it to free)."""
    filler = folder / "filler"
    with open(filler, "wb") as out:
        with contextlib.suppress(OSError):
            while True:
                out.write(b"\0" * 65536)
                out.flush()
    return filler


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """`path` (a file or a folder) read-only for this process, root included, inside the block.

    As root, a read-only bind mount of the path over itself (file permissions do not stop
    root); otherwise its permission bits.
    """
    if os.geteuid() == 0:
        if not _can_mount():
            pytest.skip("making a path read-only for root needs a bind mount")
        try:
            _run("mount", "--bind", str(path), str(path))
            _run("mount", "-o", "remount,ro,bind", str(path))
        except subprocess.CalledProcessError as exc:
            pytest.skip(f"cannot bind-mount here: {exc.stderr!r}")
        try:
            yield
        finally:
            subprocess.run(["umount", "-l", str(path)], check=False, capture_output=True)
        return
    mode = path.stat().st_mode
    path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        yield
    finally:
        path.chmod(mode)
