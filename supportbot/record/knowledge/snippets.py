"""The snippet library: keys, the seed file, search ranking, and rendering for one merchant.

A key carries its categories, `billing::refund-delayed`. The seed file (the demo's is
`snippets.toml` beside this module) holds `[[snippet]]` entries; each is checked like a lead's
edit (a body that would be refused then is refused at start, naming the entry).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from supportbot.core.errors import ConfigError
from supportbot.core.knowledge_settings import BUNDLED_SNIPPETS
from supportbot.core.settings import Settings, knowledge_settings
from supportbot.storage import Snippet, Store

from . import wording as messages
from .facts import PLACEHOLDERS, MerchantFacts
from .templates import SnippetTemplate, TemplateRefused, compile_snippet

__all__ = [
    "RESERVED_KEYS",
    "RenderedSnippet",
    "check_key",
    "check_snippet",
    "load_seed",
    "parse_values",
    "rank_snippets",
    "render_snippet",
    "seed_library",
]

_PART = r"[a-z0-9]+(?:-[a-z0-9]+)*"
KEY = re.compile(rf"{_PART}(?:::{_PART}){{1,3}}")
MAX_KEY = 120
#: Words after /snippet that are sub-commands, never keys.
RESERVED_KEYS = frozenset({"add", "edit", "show", "placeholders", "history"})
_VALUE = re.compile(r"([a-z][a-z0-9_]{0,39})=(.*)", re.DOTALL)
MAX_VALUE = 500
MAX_TITLE = 200


def check_key(key: str) -> str:
    """The key, lower-cased; TemplateRefused (a usage problem) when it is not category::name."""
    normal = key.strip().lower()
    if normal in RESERVED_KEYS:
        raise TemplateRefused(messages.reserved_key(normal))
    if len(normal) > MAX_KEY or not KEY.fullmatch(normal):
        raise TemplateRefused(messages.bad_snippet_key(key))
    return normal


def check_snippet(body: str, asks: Mapping[str, str] | None) -> SnippetTemplate:
    """The checked body: its syntax is allowed and it uses only placeholders and its asks."""
    template = compile_snippet(body)
    template.check_names(frozenset(PLACEHOLDERS) | frozenset(asks or {}))
    return template


def load_seed(path: Path) -> list[Snippet]:
    """The snippets of the seed file; ConfigError naming the file and entry when one is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"The snippet seed file {path} cannot be read: {error}") from None
    entries = data.get("snippet", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: write each snippet as a [[snippet]] table.")
    now = datetime.now(UTC)
    seeded: list[Snippet] = []
    for number, entry in enumerate(entries, start=1):
        where = f"{path}, snippet {number}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: not a table.")
        try:
            key = check_key(str(entry.get("key", "")))
            asks = {str(k): str(v) for k, v in dict(entry.get("asks") or {}).items()}
            body = str(entry.get("body", ""))
            check_snippet(body, asks)
        except (TemplateRefused, TypeError, ValueError) as error:
            raise ConfigError(f"{where} ({entry.get('key', '?')}): {error}") from None
        reviewed = entry.get("reviewed")
        seeded.append(
            Snippet(
                key=key,
                version=1,
                title=str(entry.get("title") or key)[:MAX_TITLE],
                body=body,
                owner=str(entry.get("owner") or "support-leads"),
                reviewed_on=reviewed if isinstance(reviewed, date) else None,
                asks=asks or None,
                created_by="seed",
                created_at=now,
            )
        )
    return seeded


def parse_values(words: Sequence[str]) -> dict[str, str]:
    """`["days=3", "reason=late courier"]` → {"days": "3", ...}; ValueError naming a bad word."""
    values: dict[str, str] = {}
    for word in words:
        match = _VALUE.fullmatch(word.strip())
        if match is None or not match.group(2).strip():
            raise ValueError(messages.bad_value(word))
        values[match.group(1)] = " ".join(match.group(2).split())[:MAX_VALUE]
    return values


def _rank(snippet: Snippet, query: str) -> int | None:
    key, title = snippet.key, snippet.title.casefold()
    parts = key.split("::")
    if key.startswith(query) or any(part.startswith(query) for part in parts):
        return 0
    if query in key or query in title:
        return 1
    if query in snippet.body.casefold():
        return 2
    return None


def rank_snippets(
    library: Sequence[Snippet], query: str | None, uses: Mapping[str, int]
) -> list[Snippet]:
    """Snippets matching `query`: key prefix matches first, then substring matches (key or
    title), then matches in the body; within each, the most used first, then by key."""
    needle = " ".join((query or "").split()).casefold()
    ranked: list[tuple[int, int, str, Snippet]] = []
    for snippet in library:
        rank = _rank(snippet, needle) if needle else 0
        if rank is not None:
            ranked.append((rank, -uses.get(snippet.key, 0), snippet.key, snippet))
    ranked.sort(key=lambda item: item[:3])
    return [item[3] for item in ranked]


@dataclass(frozen=True)
class RenderedSnippet:
    """A snippet filled in for one merchant, ready to send."""

    snippet: Snippet
    text: str
    merchant_id: str
    #: The open interaction the use was counted in, if any.
    interaction_ref: str | None = None


def render_snippet(
    snippet: Snippet,
    facts: MerchantFacts,
    given: Mapping[str, str],
    *,
    agent_name: str,
    extra: Mapping[str, str | None] | None = None,
) -> RenderedSnippet:
    """Fill `snippet` for the merchant of `facts`, with the values the agent typed (`given`:
    what the snippet asks for, or a value for an empty placeholder). TemplateRefused names the
    ask, the unknown placeholder or the empty one that stops it."""
    template = check_snippet(snippet.body, snippet.asks)
    asks = snippet.asks or {}
    missing = sorted(name for name in asks if name in template.needs and not given.get(name))
    if missing:
        raise TemplateRefused(messages.missing_asks(missing, asks), missing=tuple(missing))
    unknown = sorted(set(given) - set(asks) - set(PLACEHOLDERS))
    if unknown:
        raise TemplateRefused(messages.unknown_placeholders(unknown, {*asks, *PLACEHOLDERS}))
    values: dict[str, str | None] = {name: None for name in PLACEHOLDERS}
    values.update(facts.values)
    values["agent_name"] = agent_name or None
    values.update(extra or {})
    values.update({name: None for name in asks})
    values.update({name: value for name, value in given.items() if value})
    return RenderedSnippet(snippet, template.render(values), facts.merchant_id)


def describe(snippet: Snippet) -> dict[str, Any]:
    """What a list shows of one snippet."""
    return {
        "key": snippet.key,
        "title": snippet.title,
        "version": snippet.version,
        "owner": snippet.owner,
        "reviewed_on": snippet.reviewed_on.isoformat() if snippet.reviewed_on else None,
    }


async def seed_library(store: Store, settings: Settings) -> int:
    """Add the seed file's snippets whose key is not in the database yet (on start); how many.
    ConfigError when the configured file is missing or wrong; none configured and none
    bundled: nothing to seed."""
    table = knowledge_settings(settings)
    if not table.seed_snippets:
        return 0
    path = table.snippets_file
    if path is None:
        if not BUNDLED_SNIPPETS.is_file():
            return 0
        path = BUNDLED_SNIPPETS
    elif not path.is_file():
        raise ConfigError(
            f"The snippet seed file {path} does not exist: fix snippets_file in [knowledge], "
            "or set seed_snippets = false."
        )
    return await store.snippets.seed(load_seed(path))
