"""A command's docstring read as help: what it does, and what each argument is.

::

    async def audit(ctx, about: Reference) -> Reply:
        '''Shows the latest actions on a merchant or a transaction, with who asked
        and who approved.

        about: a merchant id (M-10001) or a transaction id
            (TX-1042)
        '''

Paragraphs are separated by blank lines; each is reflowed into one line, so a sentence wrapped
in the source never reads as a fragment in `/help`. A line `name: text` whose name is an
argument is that argument's help, continued by the indented lines under it. Without `help=` in
`@command`, the first paragraph is the command's one-line summary; with it, every paragraph is
the longer description.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

__all__ = ["CommandDoc", "read_docstring"]

_ARGUMENT = re.compile(r"^(\s*)([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.+)$")


@dataclass(frozen=True)
class CommandDoc:
    """The parts of a docstring `/help` shows."""

    summary: str
    body: str
    arguments: tuple[tuple[str, str], ...]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def read_docstring(doc: str, argument_names: Collection[str], *, has_help: bool) -> CommandDoc:
    """Split an (already dedented, `inspect.getdoc`) docstring into summary, body and the
    arguments' help; see the module docstring."""
    paragraphs: list[list[str]] = [[]]
    arguments: dict[str, list[str]] = {}
    current: tuple[str, int] | None = None  # the argument being continued, and its indent
    for line in doc.splitlines():
        if not line.strip():
            current = None
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        match = _ARGUMENT.match(line)
        if match and match.group(2) in argument_names:
            current = (match.group(2), _indent(line))
            arguments[current[0]] = [match.group(3).strip()]
            continue
        if current is not None and _indent(line) > current[1]:
            arguments[current[0]].append(line.strip())
            continue
        current = None
        paragraphs[-1].append(line.strip())
    texts = [" ".join(lines) for lines in paragraphs if lines]
    summary = "" if has_help or not texts else texts.pop(0)
    return CommandDoc(
        summary=summary,
        body="\n\n".join(texts),
        arguments=tuple((name, " ".join(parts)) for name, parts in arguments.items()),
    )
