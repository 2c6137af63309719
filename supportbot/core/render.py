"""Renderers: pure functions from a Reply to what an adapter shows.

Every value in a Reply may come from a service, so the text renderer cleans each one before it
reaches a terminal: escape sequences (colours, cursor moves, window titles, hyperlinks) are
removed, as are the other C0 and C1 control characters and the bidirectional overrides that make
text display in another order than it reads. Newlines stay only where the renderer lays out lines.
"""

from __future__ import annotations

import json
import re
import textwrap
import unicodedata

from .chart import chart_lines
from .reply import Reply

__all__ = ["clean_line", "clean_lines", "display_width", "render_json", "render_text"]

WARNING_MARK = "⚠"
#: Lines are wrapped at word boundaries to fit a terminal this wide (the usual 80 columns).
WIDTH = 80

# ESC (or its one-byte C1 form) and what follows it: CSI `ESC [ ... final`; OSC, DCS, SOS, PM and
# APC strings up to their terminator (BEL or ST), or to the end of the value when unterminated,
# because a terminal would swallow everything after them; and the two-character escapes.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)"
    r"|\x1b[ -/]*[0-~]",
    re.DOTALL,
)
# What is left after the sequences: C0 controls but tab and newline, DEL, C1 controls, and the
# bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_lines(value: str) -> list[str]:
    """A value shown over several lines: its lines (CR LF and CR count as line ends), each safe
    for a terminal. Tabs become spaces; escape sequences and control characters are removed."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text)).replace("\t", " ")
    return text.split("\n")


def clean_line(value: str) -> str:
    """A value shown on one line: as `clean_lines`, with line breaks turned into spaces."""
    return " ".join(clean_lines(value))


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: wide characters (CJK, most emoji) take two,
    combining marks none."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _label_width(reply: Reply) -> int:
    labels = [display_width(clean_line(f.label)) for s in reply.sections for f in s.fields]
    return min(max(labels, default=0), 24)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def _wrap(first: str, hang: str, text: str, width: int) -> list[str]:
    """`text` after `first`, wrapped at word boundaries, later lines indented by `hang`.

    Words are never split (a URL or a masked number stays whole, even past the width)."""
    room = max(20, width - display_width(first))
    pieces = textwrap.wrap(text, room, break_long_words=False, break_on_hyphens=False) or [""]
    return [first + pieces[0], *(hang + piece for piece in pieces[1:])]


def _choice_lines(reply: Reply) -> list[str]:
    """The pick-list as three aligned columns: number and label, description, command."""
    rows = [
        (
            f"{number}. {clean_line(choice.label)}",
            clean_line(choice.description or ""),
            clean_line(choice.command),
        )
        for number, choice in enumerate(reply.choices, start=1)
    ]
    label_width = max(display_width(label) for label, _, _ in rows)
    detail_width = max(display_width(detail) for _, detail, _ in rows)
    lines = []
    for label, detail, command in rows:
        columns = [_pad(label, label_width)]
        if detail_width:
            columns.append(_pad(detail, detail_width))
        columns.append(command)
        lines.append("  " + "   ".join(columns).rstrip())
    return lines


def render_text(reply: Reply, width: int = WIDTH) -> str:
    """Plain text for a terminal: title, aligned fields, warnings, choices, footer, wrapped at
    word boundaries to `width` columns."""
    lines: list[str] = []
    if reply.title:
        title = clean_line(reply.title)
        lines += [title, "─" * min(max(display_width(title), 1), width)]
    if reply.text:
        for line in clean_lines(reply.text):
            lines += _wrap("", "", line, width)
    label_width = _label_width(reply)
    for section in reply.sections:
        if lines:
            lines.append("")
        if section.title:
            lines.append(clean_line(section.title))
        indent = "  " if section.title else ""
        for field in section.fields:
            value_lines = clean_lines(field.value)
            label = f"{indent}{_pad(clean_line(field.label), label_width)}  "
            hang = " " * display_width(label)
            lines += _wrap(label, hang, value_lines[0], width)
            for more in value_lines[1:]:
                lines += _wrap(hang, hang, more, width)
        if section.text:
            for line in clean_lines(section.text):
                lines += _wrap(indent, indent, line, width)
        for item in section.items:
            head, *rest = clean_lines(item)
            lines += _wrap(f"{indent}• ", f"{indent}  ", head, width)
            for line in rest:
                lines += _wrap(f"{indent}  ", f"{indent}  ", line, width)
    for chart in reply.charts:
        lines += ["", *(clean_line(line) for line in chart_lines(chart))]
    if reply.choices:
        lines.append("")
        lines += _choice_lines(reply)
    if reply.usage or reply.example:
        lines.append("")
        if reply.usage:
            lines.append(f"Usage:   {clean_line(reply.usage)}")
        if reply.example:
            lines.append(f"Example: {clean_line(reply.example)}")
    if reply.warnings:
        lines.append("")
        for warning in reply.warnings:
            lines += _wrap(f"{WARNING_MARK} ", "  ", clean_line(warning.text), width)
    if reply.footer:
        lines.append("")
        for line in clean_lines(reply.footer):
            lines += _wrap("", "", line, width)
    return "\n".join(lines).strip("\n")


# json.dumps escapes C0 controls itself; DEL and C1 (0x9b is CSI on many terminals) it leaves raw.
_JSON_UNESCAPED_CONTROL = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def render_json(reply: Reply) -> str:
    """The whole reply as JSON, for scripts (`supportbot exec --json`): every value exactly as
    the reply holds it, with control characters written as \\u escapes."""
    text = json.dumps(reply.model_dump(mode="json"), ensure_ascii=False, indent=2)
    return _JSON_UNESCAPED_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
