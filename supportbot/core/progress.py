"""Progress of a long command (a bulk notice): what the core tells an adapter while it runs.

The command reports `done` of `total` through `ctx.progress(title)`; the adapter that lent a
`ProgressOutlet` shows it (the terminal: a bar on stderr; Slack: one message edited in place).
Without one, nothing is shown until the final answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .message import Message

__all__ = ["ProgressOutlet", "ProgressUpdate", "progress_bar"]


@dataclass(frozen=True)
class ProgressUpdate:
    """One step of one run (`run_id` is the same for every step of it)."""

    run_id: str
    title: str
    done: int
    total: int

    @property
    def finished(self) -> bool:
        """Whether this is the last step."""
        return self.done >= self.total

    @property
    def text(self) -> str:
        """`[██████░░░░░░] 25/50 Notifying KI-3`."""
        return f"{progress_bar(self.done, self.total)} {self.done:,}/{self.total:,} {self.title}"


#: What an adapter lends to show progress: called with the message that started the run.
ProgressOutlet = Callable[[Message, ProgressUpdate], Awaitable[None]]


def progress_bar(done: int, total: int, width: int = 20) -> str:
    """A bar of `width` cells, filled in proportion (an empty total is a full bar)."""
    share = 1.0 if total <= 0 else min(1.0, max(0.0, done / total))
    filled = round(share * width)
    return "[" + "█" * filled + "░" * (width - filled) + "]"
