"""Renderers: pure functions from a Reply to what an adapter shows."""

from __future__ import annotations

import json

from ._reply import Reply

__all__ = ["render_json", "render_text"]

WARNING_MARK = "⚠"


def _label_width(reply: Reply) -> int:
    labels = [len(f.label) for s in reply.sections for f in s.fields]
    return min(max(labels, default=0), 24)


def render_text(reply: Reply) -> str:
    """Plain text for a terminal: title, aligned fields, warnings, choices, footer."""
    lines: list[str] = []
    if reply.title:
        lines += [reply.title, "─" * min(max(len(reply.title), 20), 72)]
    if reply.text:
        lines.append(reply.text)
    width = _label_width(reply)
    for section in reply.sections:
        if lines:
            lines.append("")
        if section.title:
            lines.append(section.title)
        indent = "  " if section.title else ""
        for field in section.fields:
            value_lines = field.value.splitlines() or [""]
            lines.append(f"{indent}{field.label:<{width}}  {value_lines[0]}")
            lines += [f"{indent}{'':<{width}}  {more}" for more in value_lines[1:]]
        if section.text:
            lines += [f"{indent}{line}" for line in section.text.splitlines()]
        lines += [f"{indent}• {item}" for item in section.items]
    if reply.choices:
        lines.append("")
        for number, choice in enumerate(reply.choices, start=1):
            detail = f" — {choice.description}" if choice.description else ""
            lines.append(f"  {number}. {choice.label}{detail}    {choice.command}")
    if reply.usage or reply.example:
        lines.append("")
        if reply.usage:
            lines.append(f"Usage:   {reply.usage}")
        if reply.example:
            lines.append(f"Example: {reply.example}")
    if reply.warnings:
        lines.append("")
        lines += [f"{WARNING_MARK} {warning.text}" for warning in reply.warnings]
    if reply.footer:
        lines += ["", reply.footer]
    return "\n".join(lines).strip("\n")


def render_json(reply: Reply) -> str:
    """The whole reply as JSON, for scripts (`supportbot exec --json`)."""
    return json.dumps(reply.model_dump(mode="json"), ensure_ascii=False, indent=2)
