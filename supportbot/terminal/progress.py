"""The "Looking up … in merchants, billing, devices, transactions" line of a slow command.

A lookup that answers quickly shows nothing extra. One still waiting after `delay_s` shows which
services it asked, and ticks each off as it answers: on a terminal by redrawing one line (wiped
when the answer comes), elsewhere (a pipe, a log) one line per service. It writes to stderr, so
`exec --json` output stays JSON.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from typing import TextIO

from supportbot.core.render import clean_line
from supportbot.services.progress import CallEvent

from . import wording as messages

__all__ = ["LookupProgress"]

#: A lookup faster than this shows no progress line at all.
DELAY_S = 0.5


class LookupProgress:
    """Progress of one command; `event` is its service listener (called on the bot's loop)."""

    def __init__(self, command: str, out: TextIO | None = None, delay_s: float = DELAY_S) -> None:
        self.command = clean_line(command)[:60]
        self.out = out if out is not None else sys.stderr
        self.delay_s = delay_s
        self.redraw = bool(getattr(self.out, "isatty", lambda: False)())
        self._started = time.monotonic()
        self._asked: list[str] = []
        self._answered: list[str] = []
        self._shown = False
        self._timer: asyncio.TimerHandle | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Arm the delay; call on the loop the command runs on."""
        self._timer = asyncio.get_running_loop().call_later(self.delay_s, self._reveal)

    def event(self, service: str, event: CallEvent, ok: bool) -> None:
        """A service was asked, or answered."""
        with self._lock:
            if event == "asked":
                if service not in self._asked:
                    self._asked.append(service)
                if service in self._answered:  # asked again (a second step of the command)
                    self._answered.remove(service)
            elif service not in self._answered:
                self._answered.append(service)
            if not self._shown:
                return
            if self.redraw:
                self._draw()
            elif event == "answered":
                seconds = time.monotonic() - self._started
                print(messages.service_answered(service, seconds, ok), file=self.out, flush=True)

    def finish(self) -> None:
        """The answer is here: stop the timer and wipe a redrawn line."""
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if self._shown and self.redraw:
                self.out.write("\r\x1b[K")
                self.out.flush()
            self._shown = False

    def _reveal(self) -> None:
        with self._lock:
            if self._shown or not self._asked:
                return
            self._shown = True
            if self.redraw:
                self._draw()
            else:
                self._print_line()

    def _line(self) -> str:
        return messages.looking_up(self.command, self._asked, self._answered)

    def _draw(self) -> None:
        self.out.write("\r\x1b[K" + self._line())
        self.out.flush()

    def _print_line(self) -> None:
        waiting = [name for name in self._asked if name not in self._answered]
        if waiting:
            print(self._line(), file=self.out, flush=True)
