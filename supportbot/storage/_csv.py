"""Audit records as CSV that is safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, TextIO

from ._actions import RunRecord
from ._audit import AuditEntry

__all__ = ["ACTION_CSV_COLUMNS", "CSV_COLUMNS", "spreadsheet_safe", "write_csv", "write_table_csv"]

CSV_COLUMNS = (
    "at",
    "request_id",
    "user_id",
    "user_name",
    "adapter",
    "channel",
    "command",
    "arguments",
    "target",
    "outcome",
    "duration_ms",
    "service_errors",
    "error",
)

#: Columns of `supportbot audit --actions --csv`: the exactly-once ledger of actions.
ACTION_CSV_COLUMNS = (
    "started_at",
    "finished_at",
    "status",
    "command",
    "arguments",
    "target",
    "user_id",
    "user_name",
    "approved_by",
    "outcome",
    "attempts",
    "idempotency_key",
    "request_id",
    "adapter",
    "channel",
)

# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# ...unless it is only a signed number as the bot writes one ("-12%", "+3", "+1,204", "-0.5"):
# nothing in it can call anything, and a ' before it would make a spreadsheet keep it as text.
# Digits in groups of three only: "+6281234567890" is a phone number, which must stay text (a
# spreadsheet would show a number without its + in place of it).
_SIGNED_NUMBER = re.compile(r"[+-][0-9]{1,3}(,[0-9]{3})*(\.[0-9]+)?%?")


def spreadsheet_safe(text: str) -> str:
    """`text` as a CSV cell a spreadsheet will not run: a leading ' before what would start a
    formula (= + - @, a tab or carriage return), unless it is only a signed number. The ' makes
    a spreadsheet show the text as text; the value itself stays readable."""
    if text.startswith(_FORMULA_START) and not _SIGNED_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # a number is never a formula, even a negative one
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        value = " ".join(f"{item.get('service')}:{item.get('kind')}" for item in value)
    return spreadsheet_safe(str(value))


def write_csv(
    entries: Iterable[AuditEntry | RunRecord],
    file: TextIO,
    columns: Sequence[str] = CSV_COLUMNS,
) -> int:
    """Write a header row and one row per entry to `file`; return the number of entries.

    Text is kept as is (unicode included), except that a value a spreadsheet would run as a
    formula (starting with = + - @, tab or carriage return) gets a leading ' (see
    `spreadsheet_safe`). Open `file` with `newline=""` when it is a real file, as the csv module
    asks. `columns` picks the attributes (`ACTION_CSV_COLUMNS` for action runs).
    """
    writer = csv.writer(file)
    writer.writerow(columns)
    count = 0
    for entry in entries:
        writer.writerow([_cell(getattr(entry, column)) for column in columns])
        count += 1
    return count


def write_table_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], file: TextIO) -> int:
    """Write `header` and `rows` (values of any kind) to `file` as CSV, each cell made safe for
    a spreadsheet as in `write_csv`; return the number of rows."""
    writer = csv.writer(file)
    writer.writerow([_cell(name) for name in header])
    count = 0
    for row in rows:
        writer.writerow([_cell(value) for value in row])
        count += 1
    return count
