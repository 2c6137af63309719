"""Slack's text rules: escaping, its character limits, and cutting text to fit them visibly."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

__all__ = [
    "LIMITS",
    "SlackLimits",
    "escape",
    "escape_data",
    "fit",
    "json_size",
    "printable",
    "shorten",
    "slack_len",
    "strip_hidden",
    "unescape_input",
]


class SlackLimits:
    """The limits Slack enforces on one message (documented ones, and the measured total)."""

    blocks = 50
    section_text = 3000
    field_text = 2000
    fields_per_section = 10
    context_text = 2000
    context_elements = 10
    header_text = 150
    button_label = 75
    button_value = 2000
    actions_elements = 25
    select_options = 100
    option_label = 75
    option_value = 150
    #: Slack answers `msg_blocks_too_long` somewhere above ~13k characters of blocks; it does not
    #: document how it counts, so we measure the whole serialized JSON, which is stricter.
    blocks_json = 12_000
    #: The notification / fallback `text` that goes with the blocks.
    fallback_text = 3000


LIMITS = SlackLimits()


def slack_len(text: str) -> int:
    """Length as Slack counts it, conservatively: UTF-16 code units (an emoji may count 2)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def json_size(value: Any) -> int:
    """The size of a block (or list of blocks) as compact JSON with its strings unescaped.

    Counting the structure as well as the text is stricter than Slack's own count, whatever
    exactly that is; leaving JSON escapes out keeps quotes in user data from doubling the cost.
    """
    if isinstance(value, str):
        return slack_len(value) + 2
    if isinstance(value, dict):
        return 2 + sum(len(key) + 3 + json_size(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return 2 + sum(json_size(item) + 1 for item in value)
    return len(json.dumps(value))


def escape(text: str) -> str:
    """Escape the three characters Slack treats as markup, so user data never pings or links;
    control and invisible format characters (bidi overrides: U+202E would reorder a card) are
    dropped, line breaks and tabs kept."""
    shown = strip_hidden(text)
    return shown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


#: Slack's mrkdwn has no escape for its formatting characters. A date token whose format is
#: invalid shows its fallback text as it is, unformatted (the way jsx-slack escapes them).
_AS_PLAIN = "<!date^0^{{_}}|{char}>"
_FORMATTING = "*_~`"
_FORMATTING_TOKENS = {char: _AS_PLAIN.format(char=char) for char in _FORMATTING}


def escape_data(text: str) -> str:
    """`escape`, and Slack's formatting characters (`* _ ~` and backticks) shown as
    themselves: for data from a service, which must never bold, strike or code-format a card."""
    escaped = escape(text)
    if not any(char in escaped for char in _FORMATTING):
        return escaped
    return "".join(_FORMATTING_TOKENS.get(char, char) for char in escaped)


def strip_hidden(text: str) -> str:
    """`text` without control characters (line breaks and tabs kept), lone surrogates and
    invisible format characters (bidi overrides, zero-width spaces; the zero-width joiner of
    emoji sequences is kept)."""
    if text.isascii() and text.isprintable():
        return text
    return text.translate(_SHOWN)


def _more_characters(count: int) -> str:
    return f" … and {count:,} more characters"


def fit(text: str, limit: int, *, markup: bool = True, data: bool = False) -> str:
    """`text` escaped (when `markup`; with `escape_data` when `data`) and cut to at most `limit`
    units, saying how much was cut. Plain text (`markup=False`) still loses hidden characters.

    The cut is made on the raw text, so an escape sequence is never split in half.
    """
    visible = strip_hidden(text)
    # Only hidden characters: a dash, since Slack refuses an empty text object.
    text = visible if visible.strip() or not text.strip() else "—"
    if len(text) <= limit:
        shown = _shown(text, markup, data)
        if slack_len(shown) <= limit:
            return shown
    # More than `limit` characters never fit (escaping only adds): search a prefix of them.
    keep_low, keep_high = 0, min(len(text), limit)
    while keep_low < keep_high:  # the longest prefix whose cut form still fits
        middle = (keep_low + keep_high + 1) // 2
        candidate = _cut(text, middle, markup, data)
        if slack_len(candidate) <= limit:
            keep_low = middle
        else:
            keep_high = middle - 1
    result = _cut(text, keep_low, markup, data)
    if slack_len(result) > limit:  # the notice alone does not fit: a bare ellipsis does
        return "…"
    return result


def _shown(text: str, markup: bool, data: bool) -> str:
    if not markup:
        return text
    return escape_data(text) if data else escape(text)


def _cut(text: str, keep: int, markup: bool, data: bool) -> str:
    head = text[:keep].rstrip()
    return _shown(head, markup, data) + _more_characters(len(text) - keep)


#: Characters never echoed: controls, lone surrogates, invisible format characters.
_HIDDEN = frozenset({"Cc", "Cf", "Cs"})
#: The zero-width joiner is kept: emoji sequences (👩‍💻) need it, and alone it shows nothing.
_KEPT_FORMAT = frozenset("\u200d")


class _Shown(dict[int, str | None]):
    """`str.translate` table of `strip_hidden`, filled on first sight of each character: a
    character at a time in Python took 0.3 µs, and a long unicode text passes here several
    times on its way into blocks (`fit` searches for its cut)."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        kept = char in "\n\t" or char in _KEPT_FORMAT or unicodedata.category(char) not in _HIDDEN
        shown = self[code] = char if kept else None
        return shown


_SHOWN = _Shown()
_SPACES = re.compile(r"\s+")


def printable(text: str) -> str:
    """`text` on one line, safe to echo: control characters, lone surrogates and invisible
    format characters (bidi overrides, zero-width spaces, tag characters) dropped, and every
    run of whitespace (newlines too) one space."""
    kept = "".join(
        char
        for char in text
        if char in _KEPT_FORMAT or char.isspace() or unicodedata.category(char) not in _HIDDEN
    )
    return _SPACES.sub(" ", kept).strip()


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` units (as Slack counts them), ending in "…" when cut."""
    if slack_len(text) <= limit:
        return text
    used, keep = 0, 0
    for char in text:  # the longest prefix that leaves one unit for the ellipsis
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit - 1:
            break
        keep += 1
    return text[:keep].rstrip() + "…"


_LINK = re.compile(r"<(mailto:|tel:)?([^<>|]*)(?:\|([^<>]*))?>")


def unescape_input(text: str) -> str:
    """What the user typed, from Slack's formatted message text.

    Slack turns typed emails, phone numbers and links into `<mailto:a@b.id|a@b.id>`,
    `<tel:0812...|0812...>` or `<http://x|x>`, and escapes `& < >`. A command needs the plain
    words back. Mentions (`<@U123>`) keep their id.
    """

    def plain(match: re.Match[str]) -> str:
        scheme, target, label = match.group(1), match.group(2), match.group(3)
        if target.startswith(("@", "#", "!")):
            return f"<{target}>" if label is None else f"<{target}|{label}>"
        if label is not None:
            return label
        return target if scheme is None else target

    replaced = _LINK.sub(plain, text)
    return replaced.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
