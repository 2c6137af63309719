"""Fitting blocks into one Slack message: pieces that can be shown in part, and the budget.

The renderer (`_blocks.py`) turns a Reply into pieces; `fit_blocks` chooses what is shown:
the essential pieces always, then the body in order while it fits Slack's limits (50 blocks,
about 13k characters), then one "… and N more" for the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from . import wording as messages
from ._text import LIMITS, json_size, slack_len

__all__ = [
    "Budget",
    "Piece",
    "context_block",
    "fit_blocks",
    "fixed_piece",
    "group_lines",
    "mrkdwn",
    "overflow_piece",
    "plain",
    "section_block",
]

T = TypeVar("T")


def mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn text object (`text` already escaped)."""
    return {"type": "mrkdwn", "text": text}


def plain(text: str) -> dict[str, Any]:
    """A plain_text object (shown as is; emoji codes allowed)."""
    return {"type": "plain_text", "text": text, "emoji": True}


def section_block(text: str) -> dict[str, Any]:
    """A section block of one mrkdwn text."""
    return {"type": "section", "text": mrkdwn(text)}


def context_block(texts: Sequence[str]) -> dict[str, Any]:
    """A context block (small grey text) of mrkdwn elements."""
    return {"type": "context", "elements": [mrkdwn(text) for text in texts]}


@dataclass
class Piece:
    """One block, built for its first `n` rows; `rows` is how many it has in all.

    An `overflow` piece stands for rows that were never prepared because the body was already
    more than a message can hold: it is only counted in "… and N more".
    """

    build: Callable[[int], dict[str, Any]]
    rows: int = 1
    essential: bool = False
    overflow: bool = False

    def full(self) -> dict[str, Any]:
        return self.build(self.rows)


def fixed_piece(block: dict[str, Any], *, essential: bool = False, rows: int = 1) -> Piece:
    """A piece that is shown whole or not at all."""
    return Piece(lambda _n: block, rows=rows, essential=essential)


def overflow_piece(rows: int) -> Piece:
    """Rows left unprepared, only counted (see `Piece`)."""
    return Piece(lambda _n: {}, rows=rows, overflow=True)


class Budget:
    """How much body is worth preparing: past one message's worth, rows are only counted.

    Without it a reply of a million rows would be escaped and measured row by row to show 50.
    """

    def __init__(self) -> None:
        self.left = LIMITS.blocks_json

    @property
    def spent(self) -> bool:
        return self.left <= 0

    def take(self, text: str) -> str:
        self.left -= slack_len(text)
        return text


def _lines_piece(title: str | None, lines: list[str]) -> Piece:
    """A section of lines (already escaped) that can be shown in part."""

    def build(count: int) -> dict[str, Any]:
        body = "\n".join(lines[:count])
        if title:
            return section_block(f"{title}\n{body}" if body.strip() else title)
        return section_block(body if body.strip() else "—")

    return Piece(build, rows=len(lines))


def group_lines(
    title: str | None,
    raw_lines: Sequence[T],
    limit: int,
    budget: Budget,
    render: Callable[[T], str],
) -> list[Piece]:
    """Lines rendered and grouped into as few sections as fit `limit` each; only the first
    carries the title. Once the budget is spent, the rest is one overflow piece."""
    pieces: list[Piece] = []
    current: list[str] = []
    size = slack_len(title) + 1 if title else 0
    for position, raw in enumerate(raw_lines):
        if budget.spent:
            if current:
                pieces.append(_lines_piece(title if not pieces else None, current))
                current = []
            pieces.append(overflow_piece(len(raw_lines) - position))
            break
        line = budget.take(render(raw))
        extra = slack_len(line) + (1 if current else 0)
        if current and size + extra > limit:
            pieces.append(_lines_piece(title if not pieces else None, current))
            current, size = [], 0
            extra = slack_len(line)
        current.append(line)
        size += extra
    if current:
        pieces.append(_lines_piece(title if not pieces else None, current))
    return pieces


def fit_blocks(head: list[Piece], body: list[Piece], tail: list[Piece]) -> list[dict[str, Any]]:
    """Essential pieces always; then body pieces in order while they fit; then the notice."""
    fixed_blocks = [p.full() for p in head + tail] + [p.full() for p in body if p.essential]
    size = sum(json_size(b) + 1 for b in fixed_blocks) + 2
    count = len(fixed_blocks)
    notice_room = json_size(context_block([messages.slack_truncated(10**9)])) + 1
    optional_rows = sum(p.rows for p in body if not p.essential)
    shown: list[dict[str, Any]] = []
    hidden_rows = 0
    stopped = False
    for piece in body:
        if piece.essential:
            shown.append(piece.full())
            continue
        if stopped or piece.overflow:
            stopped = True
            hidden_rows += piece.rows
            optional_rows = 0
            continue
        block = piece.full()
        rows_after = optional_rows - piece.rows
        # Keep room for the notice unless this is the last thing that could be cut.
        reserve = notice_room if rows_after > 0 else 0
        if count + 1 + (1 if reserve else 0) <= LIMITS.blocks and (
            size + json_size(block) + 1 + reserve <= LIMITS.blocks_json
        ):
            shown.append(block)
            size += json_size(block) + 1
            count += 1
            optional_rows = rows_after
            continue
        # Show as many of this block's rows as fit, then stop.
        stopped = True
        partial = _largest_part(piece, LIMITS.blocks_json - size - notice_room - 1)
        if partial is not None and count + 2 <= LIMITS.blocks:
            shown_rows, block = partial
            shown.append(block)
            size += json_size(block) + 1
            count += 1
            hidden_rows += piece.rows - shown_rows
        else:
            hidden_rows += piece.rows
        optional_rows = 0
    if hidden_rows:
        shown.append(context_block([messages.slack_truncated(hidden_rows)]))
    return [p.full() for p in head] + shown + [p.full() for p in tail]


def _largest_part(piece: Piece, room: int) -> tuple[int, dict[str, Any]] | None:
    low, high = 0, piece.rows - 1
    while low < high:
        middle = (low + high + 1) // 2
        if json_size(piece.build(middle)) <= room:
            low = middle
        else:
            high = middle - 1
    if low <= 0:
        return None
    return low, piece.build(low)
