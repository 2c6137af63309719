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
"""

from __future__ import annotations

import atexit
import io
import json
import os
import runpy
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
) -> subprocess.CompletedProcess[str]:
    """Run `supportbot *args` in a forked child with exactly `env`; its exit code and output."""
    command = ["supportbot", *args]
    with tempfile.TemporaryDirectory(prefix="supportbot-cli-") as streams:
        (Path(streams) / "stdin").write_text(stdin, encoding="utf-8")
        exitcode = _ZYGOTE.run(list(args), dict(env), str(cwd), streams, timeout)
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

    def run(
        self, args: list[str], env: dict[str, str], cwd: str, streams: str, timeout: float
    ) -> int | None:
        """The exit code of one forked run, or None when it was killed after `timeout` s."""
        with self._lock:
            process = self._running()
            assert process.stdin is not None and process.stdout is not None
            request = {"args": args, "env": env, "cwd": cwd, "streams": streams}
            process.stdin.write(json.dumps(request) + "\n")
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
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _become_supportbot(**request)
        print(json.dumps({"pid": pid}), flush=True)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"exitcode": os.waitstatus_to_exitcode(status)}), flush=True)


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
