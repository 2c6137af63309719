"""Renderers: pure functions from a Reply to what an adapter shows.

Every value in a Reply may come from a service, so the text renderer cleans each one before it
reaches a terminal: escape sequences (colours, cursor moves, window titles, hyperlinks) are
removed, as are the other C0 and C1 control characters and the bidirectional overrides that make
text display in another order than it reads. Newlines stay only where the renderer lays out lines.
"""

from __future__ import annotations

import json
import re

from .chart import chart_lines
from .reply import Reply

__all__ = ["clean_line", "clean_lines", "render_json", "render_text"]

WARNING_MARK = "⚠"

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


def _label_width(reply: Reply) -> int:
    labels = [len(clean_line(f.label)) for s in reply.sections for f in s.fields]
    return min(max(labels, default=0), 24)


def render_text(reply: Reply) -> str:
    """Plain text for a terminal: title, aligned fields, warnings, choices, footer."""
    lines: list[str] = []
    if reply.title:
        title = clean_line(reply.title)
        lines += [title, "─" * min(max(len(title), 20), 72)]
    if reply.text:
        lines += clean_lines(reply.text)
    width = _label_width(reply)
    for section in reply.sections:
        if lines:
            lines.append("")
        if section.title:
            lines.append(clean_line(section.title))
        indent = "  " if section.title else ""
        for field in section.fields:
            value_lines = clean_lines(field.value)
            lines.append(f"{indent}{clean_line(field.label):<{width}}  {value_lines[0]}")
            lines += [f"{indent}{'':<{width}}  {more}" for more in value_lines[1:]]
        if section.text:
            lines += [f"{indent}{line}" for line in clean_lines(section.text)]
        for item in section.items:
            first, *more = clean_lines(item)
            lines.append(f"{indent}• {first}")
            lines += [f"{indent}  {line}" for line in more]
    for chart in reply.charts:
        lines += ["", *(clean_line(line) for line in chart_lines(chart))]
    if reply.choices:
        lines.append("")
        for number, choice in enumerate(reply.choices, start=1):
            detail = f" — {clean_line(choice.description)}" if choice.description else ""
            label, command = clean_line(choice.label), clean_line(choice.command)
            lines.append(f"  {number}. {label}{detail}    {command}")
    if reply.usage or reply.example:
        lines.append("")
        if reply.usage:
            lines.append(f"Usage:   {clean_line(reply.usage)}")
        if reply.example:
            lines.append(f"Example: {clean_line(reply.example)}")
    if reply.warnings:
        lines.append("")
        lines += [f"{WARNING_MARK} {clean_line(warning.text)}" for warning in reply.warnings]
    if reply.footer:
        lines += ["", *clean_lines(reply.footer)]
    return "\n".join(lines).strip("\n")


# json.dumps escapes C0 controls itself; DEL and C1 (0x9b is CSI on many terminals) it leaves raw.
_JSON_UNESCAPED_CONTROL = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def render_json(reply: Reply) -> str:
    """The whole reply as JSON, for scripts (`supportbot exec --json`): every value exactly as
    the reply holds it, with control characters written as \\u escapes."""
    text = json.dumps(reply.model_dump(mode="json"), ensure_ascii=False, indent=2)
    return _JSON_UNESCAPED_CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
