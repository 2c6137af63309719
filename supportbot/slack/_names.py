"""Command names as Slack users type them: `/sb-status` for a built-in's name, and every
command with `[slack] prefix` (`sb-` gives `/sb-merchant`, `/sb-help`).

The core names its commands `/merchant`; in its answers (help, usage lines, "did you mean",
"run /approve …") those names are rewritten here, so what Slack shows is what works in Slack.
Only registered names and aliases preceded by `/` are rewritten, never a URL's path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from supportbot.core.reply import Reply

from ._payloads import slash_name

__all__ = ["SlackNames"]


class SlackNames:
    """The Slack spelling of every registered command name and alias."""

    def __init__(self, names: Iterable[str], prefix: str = "") -> None:
        self.prefix = prefix
        renamed = {name: slash_name(name, prefix) for name in names}
        self._slash = {name: slash for name, slash in renamed.items() if slash != f"/{name}"}
        self._pattern = (
            re.compile(
                r"(?<![\w/.:-])/("
                + "|".join(re.escape(name) for name in sorted(self._slash, key=len, reverse=True))
                + r")(?![\w-])"
            )
            if self._slash
            else None
        )

    def rewrite(self, text: str) -> str:
        """`text` with each `/name` of a renamed command in its Slack spelling."""
        if self._pattern is None or "/" not in text:
            return text
        return self._pattern.sub(lambda match: self._slash[match.group(1)], text)

    def reply(self, reply: Reply) -> Reply:
        """`reply` with its command names as typed in Slack (the choices' commands, which run
        on the server, are kept)."""
        if self._pattern is None:
            return reply
        return Reply.model_validate(self._walk(reply.model_dump()))

    def _walk(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.rewrite(value)
        if isinstance(value, list):
            return [self._walk(item) for item in value]
        if isinstance(value, dict):
            return {key: item if key in _KEPT else self._walk(item) for key, item in value.items()}
        return value


#: Fields that are no wording: what runs on the server, ids, tokens and states.
_KEPT = frozenset(
    {"command", "value", "action", "token", "outcome", "error_ref", "style", "source", "id"}
)
