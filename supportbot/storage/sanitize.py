"""One sanitising function for every table: what any database can hold, made from what was given.

PostgreSQL refuses a NUL character in text and a string longer than its column; no driver can
encode a lone surrogate (what undecodable bytes become). SQLite would keep all three, so the same
row would work on one database and fail on the other. Every row the write path writes, and every
text value a query compares, passes through here first:

- NUL characters are dropped (they carry nothing here: "a\\0b" reads back as "ab");
- lone surrogates become U+FFFD, the replacement character;
- text longer than a bounded column is cut to the column's size, so the row is kept;
- inside JSON columns, every key and string is cleaned the same way.

A key (a request id, a token, an idempotency key) is never cut: two different keys would become
one. A key too long for its column is the caller's bug and raises ValueError.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import fields
from typing import Any

from sqlalchemy import JSON, String, Table

__all__ = ["clean_text", "cleaned", "field_values", "sanitized_row", "stored_as"]

_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """`text` without NUL characters and with lone surrogates replaced by U+FFFD."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    return _SURROGATES.sub("\ufffd", text) if not text.isascii() else text


def cleaned(value: Any) -> Any:
    """`value` with every string inside it cleaned (lists and dicts of JSON included)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        return [cleaned(item) for item in value]
    if isinstance(value, dict):
        return {clean_text(str(key)): cleaned(item) for key, item in value.items()}
    return value


def stored_as(column: Any, text: str) -> str:
    """`text` as a bounded text `column` holds it (cleaned, cut): what a query compares with, so
    that a value finds its row however it was made storable. Not for keys, which are not cut."""
    text = clean_text(text)
    length = getattr(column.type, "length", None)
    return text[:length] if length else text


def _limits(table: Table) -> dict[str, int]:
    return {
        column.name: int(column.type.length)
        for column in table.columns
        if isinstance(column.type, String) and column.type.length
    }


def _json_columns(table: Table) -> frozenset[str]:
    return frozenset(column.name for column in table.columns if isinstance(column.type, JSON))


_CACHE: dict[str, tuple[dict[str, int], frozenset[str]]] = {}


def sanitized_row(
    table: Table, values: Mapping[str, Any], *, keys: Collection[str] = ()
) -> dict[str, Any]:
    """`values` made storable in `table` on every database (see the module's docstring).

    `keys` name the columns that identify a row: they are cleaned but never cut, and one that
    is empty or longer than its column raises ValueError.
    """
    if table.name not in _CACHE:
        _CACHE[table.name] = (_limits(table), _json_columns(table))
    limits, json_columns = _CACHE[table.name]
    row: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, str):
            value = clean_text(value)
            limit = limits.get(name)
            if name in keys:
                if not value or (limit is not None and len(value) > limit):
                    raise ValueError(f"{name} must have 1 to {limit} characters")
            elif limit is not None and len(value) > limit:
                value = value[:limit]
        elif name in json_columns and value is not None:
            value = cleaned(value)
        row[name] = value
    return row


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def field_values(instance: Any) -> dict[str, Any]:
    """A dataclass instance's fields by name, the values not copied: `asdict` deep-copies
    every one (a third of a /help's audit row; 0.9 s of the demo's month of history), and
    `sanitized_row` makes new containers for the JSON columns anyway."""
    kind = type(instance)
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(field.name for field in fields(instance))
    return {name: getattr(instance, name) for name in names}
