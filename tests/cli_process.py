"""`supportbot ...` in a real child process, without paying for its imports every time.

A fresh `python -m supportbot exec ...` spends about 2 of its 2.5 s of CPU importing SQLAlchemy,
Alembic, aiohttp, httpx and pydantic, and the CLI tests start a few dozen of them. Here one
helper process (a "zygote", started once per test process) imports the CLI, and every run is a
fork of it: a process of its own, with its own environment, working directory, stdin, stdout,
stderr and exit code, running `supportbot/__main__.py` as `python -m supportbot` does, and
ending as an interpreter does (threads joined, atexit handlers run, streams flushed).

`run_supportbot` answers like `subprocess.run(..., capture_output=True, text=True)`. A test that
is about the interpreter itself starting (the entry point, a clean stderr from a cold start)
runs `sys.executable -m supportbot` instead.

A demo run (`--demo`, `demo`) on a data folder without a database would spend most of its
0.7 s of CPU on the first start: the migrations and the sample month of history, 10,000 rows.
The zygote makes that database once per configuration, in a real first start of the demo
(`supportbot shell --demo` on empty input), and gives each such run a copy, so the run starts
as a second start does. A test about the first start itself passes `first_start=True`.
"""

from __future__ import annotations

import atexit
import io
import json
import os
import runpy
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["run_supportbot"]

ROOT = Path(__file__).resolve().parents[1]
# Imported once by the zygote: the CLI, what `exec`, `shell` and `audit` import lazily, and
# what a start on a new data folder imports (Alembic, for the first migration; the driver).
PRELOAD = (
    "supportbot.app.cli",
    "supportbot.app.runtime",
    "supportbot.terminal.session",
    "alembic.command",
    "alembic.runtime.migration",
    "aiosqlite",
)


def run_supportbot(
    args: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path,
    stdin: str = "",
    timeout: float = 60,
    first_start: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run `supportbot *args` in a forked child with exactly `env`; its exit code and output.
    `first_start`: a demo run on a new data folder really starts on an empty one."""
    command = ["supportbot", *args]
    with tempfile.TemporaryDirectory(prefix="supportbot-cli-") as streams:
        (Path(streams) / "stdin").write_text(stdin, encoding="utf-8")
        request = {"args": list(args), "env": dict(env), "cwd": str(cwd), "streams": streams}
        exitcode = _ZYGOTE.run(request, timeout, seeded=not first_start)
        if exitcode is None:
            raise subprocess.TimeoutExpired(command, timeout)
        return subprocess.CompletedProcess(
            command,
            exitcode,
            (Path(streams) / "stdout").read_text(encoding="utf-8"),
            (Path(streams) / "stderr").read_text(encoding="utf-8"),
        )


class Zygote:
    """The process that imported the CLI once and forks a child per run; started on first use,
    ended when the test process exits."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()

    def run(self, request: dict[str, Any], timeout: float, *, seeded: bool) -> int | None:
        """The exit code of one forked run, or None when it was killed after `timeout` s."""
        with self._lock:
            process = self._running()
            assert process.stdin is not None and process.stdout is not None
            process.stdin.write(json.dumps({"run": request, "seeded": seeded}) + "\n")
            process.stdin.flush()
            pid = json.loads(process.stdout.readline())["pid"]
            timed_out = threading.Event()

            def kill() -> None:
                timed_out.set()
                os.kill(pid, signal.SIGKILL)

            killer = threading.Timer(timeout, kill)
            killer.start()
            try:
                exitcode: int = json.loads(process.stdout.readline())["exitcode"]
            finally:
                killer.cancel()
            return None if timed_out.is_set() else exitcode

    def _running(self) -> subprocess.Popen[str]:
        if self._process is None or self._process.poll() is not None:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "tests.cli_process"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                cwd=ROOT,  # so `-m` finds this module, and this checkout's supportbot first
                env={k: v for k, v in os.environ.items() if not k.startswith("SUPPORTBOT_")},
            )
            atexit.register(_stop, self._process)
        return self._process


def _stop(process: subprocess.Popen[str]) -> None:
    if process.stdin is not None:
        process.stdin.close()  # the zygote ends with its requests
    process.wait(timeout=10)


_ZYGOTE = Zygote()


def _serve() -> None:
    """The zygote: import the CLI, then fork one child per request line, reporting its pid and
    then its exit code. Single-threaded, so forking it is safe."""
    for name in PRELOAD:
        __import__(name)
    from supportbot.core.plugins import load_plugins

    # The bundled commands, run once here: a child loading them again gets these modules, as a
    # second load in one process does (see load_plugins), unless a file changed meanwhile.
    load_plugins([ROOT / "commands"], entry_points=False)
    for line in sys.stdin:
        message = json.loads(line)
        request = message["run"]
        if message["seeded"]:
            _seed_demo_folder(request)
        pid = _fork(request)
        print(json.dumps({"pid": pid}), flush=True)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"exitcode": os.waitstatus_to_exitcode(status)}), flush=True)


def _fork(request: dict[str, Any]) -> int:
    pid = os.fork()
    if pid == 0:
        _become_supportbot(**request)
    return pid


#: The database a first start of the demo leaves, by configuration (see the module docstring);
#: None where that start failed (a broken configuration: each run then says so itself).
_FIRST_START: dict[tuple[Any, ...], bytes | None] = {}


def _seed_demo_folder(request: dict[str, Any]) -> None:
    """Give a demo run whose data folder has no database yet a copy of a first start's."""
    args, env = request["args"], request["env"]
    folder = env.get("SUPPORTBOT_DATA_DIR")
    if not folder or "SUPPORTBOT_DATABASE_URL" in env:
        return
    if "--demo" not in args and args[:1] != ["demo"]:
        return
    database = Path(request["cwd"], folder) / "supportbot.db"
    if database.exists():
        return
    # What the first start depends on: its SUPPORTBOT_ variables but the folder, and the
    # config file (not, say, PYTEST_CURRENT_TEST).
    config = Path(request["cwd"], env.get("SUPPORTBOT_CONFIG") or "config/supportbot.toml")
    settings = {k: v for k, v in env.items() if k.startswith("SUPPORTBOT_")}
    settings.pop("SUPPORTBOT_DATA_DIR")
    key = (tuple(sorted(settings.items())), str(config.resolve()) if config.exists() else None)
    if key not in _FIRST_START:
        _FIRST_START[key] = _first_start(request)
    image = _FIRST_START[key]
    if image is None:
        return
    try:
        database.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        created = os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError:  # a folder that will not do (what some tests are about): the run says so
        return
    with os.fdopen(created, "wb") as handle:
        handle.write(image)


def _first_start(request: dict[str, Any]) -> bytes | None:
    """The database `supportbot shell --demo` leaves on a new data folder, read on empty input;
    None when that start fails."""
    from tests.schema_replay import sqlite_image  # in the zygote only

    # Not a TemporaryDirectory: its clean-up runs at exit, and so in the fork too.
    scratch = Path(tempfile.mkdtemp(prefix="supportbot-first-start-"))
    try:
        folder, streams = scratch / "data", scratch / "streams"
        streams.mkdir()
        (streams / "stdin").write_bytes(b"")
        start = {
            "args": ["shell", "--demo"],
            "env": {**request["env"], "SUPPORTBOT_DATA_DIR": str(folder)},
            "cwd": request["cwd"],
            "streams": str(streams),
        }
        _, status = os.waitpid(_fork(start), 0)
        if status != 0 or not (folder / "supportbot.db").exists():
            return None
        return sqlite_image(folder / "supportbot.db")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _become_supportbot(args: list[str], env: dict[str, str], cwd: str, streams: str) -> None:
    """In the fork: take the given stdio, environment and folder, and be `python -m supportbot`
    until it exits. Never returns."""
    code = 1
    try:
        for fd, (name, mode) in enumerate((("stdin", "rb"), ("stdout", "wb"), ("stderr", "wb"))):
            with open(os.path.join(streams, name), mode) as file:
                os.dup2(file.fileno(), fd)
        # As a fresh interpreter with PYTHONIOENCODING=utf-8 sets them up on these fds.
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8")
        sys.stderr = io.TextIOWrapper(
            io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace"
        )
        os.environ.clear()
        os.environ.update(env)
        os.chdir(cwd)
        sys.argv = ["supportbot", *args]
        runpy.run_module("supportbot", run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exit:
        code = _exit_status(exit.code)
    except BaseException:
        traceback.print_exc()
    finally:
        # What the interpreter does on its way out, then out without the zygote's own cleanup.
        threading._shutdown()  # type: ignore[attr-defined]
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _exit_status(code: Any) -> int:
    """The exit status `sys.exit(code)` gives: None is 0, a number is itself, anything else is
    printed to stderr and is 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    _serve()
