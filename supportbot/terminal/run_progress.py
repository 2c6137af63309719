"""The progress of a long run in the terminal: one bar on stderr, redrawn in place."""

from __future__ import annotations

import sys
from typing import TextIO

from supportbot.core.message import Message
from supportbot.core.progress import ProgressUpdate

__all__ = ["TerminalProgress"]


class TerminalProgress:
    """A `ProgressOutlet`: `\\r[██████░░░░] 25/50 Notifying ...` on `stream`, a newline at the end
    (stderr, so `exec --json` output stays clean)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    async def __call__(self, message: Message, update: ProgressUpdate) -> None:
        """Draw one step of a run started in the terminal."""
        if message.adapter != "terminal":
            return
        stream = self._stream or sys.stderr
        stream.write("\r" + update.text + ("\n" if update.finished else ""))
        stream.flush()
