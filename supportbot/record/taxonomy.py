"""The tags agents may use: the configured taxonomy (`group/tag`) and the ones leads added.

An unknown tag is refused with the closest known ones ("did you mean settlement/delayed?").
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from supportbot.core.errors import UsageError

from . import wording as messages
from .settings import RecordSettings

__all__ = ["TagChange", "Taxonomy", "parse_tag_changes"]

MAX_TAG = 100


@dataclass(frozen=True)
class Taxonomy:
    """Every known tag with its description."""

    tags: Mapping[str, str]
    groups: Mapping[str, str]

    @classmethod
    def of(cls, settings: RecordSettings, custom: Mapping[str, str] | None = None) -> Taxonomy:
        """The configured taxonomy, plus `custom` tags (from `/tags add`)."""
        tags = {
            f"{group}/{name}": description
            for group, entry in settings.taxonomy.items()
            for name, description in entry.tags.items()
        }
        tags.update(custom or {})
        groups = {group: entry.description for group, entry in settings.taxonomy.items()}
        return cls(tags, groups)

    def check(self, tag: str) -> str:
        """The known tag `tag` names (case and a leading # or + ignored), else UsageError with
        the closest known tags."""
        name = tag.strip().lstrip("#+").lower()
        if name in self.tags:
            return name
        shown = tag.strip().lstrip("#+")[:MAX_TAG]
        if not name:
            raise UsageError(messages.empty_tag(), example="/tag M-10001 +settlement/delayed")
        # A tag without its group ("delayed") or a group alone ("settlement") first, then the
        # names that are close. Far names would mislead: then the answer names the groups.
        guesses = [t for t in self.tags if t.endswith("/" + name) or t.startswith(name + "/")]
        close = difflib.get_close_matches(name[:MAX_TAG], list(self.tags), n=3, cutoff=0.5)
        guesses = list(dict.fromkeys(guesses + close))
        raise UsageError(
            messages.unknown_tag(shown, guesses[:3], groups=sorted(self.groups)),
            example="/tags  (lists every tag)",
        )


@dataclass(frozen=True)
class TagChange:
    """`+tag` (or `#tag`) adds, `-tag` removes."""

    tag: str
    add: bool


def parse_tag_changes(words: list[str], taxonomy: Taxonomy) -> list[TagChange]:
    """`["+settlement/delayed", "-account/pin"]` checked against the taxonomy."""
    changes: list[TagChange] = []
    for word in words:
        add = not word.startswith("-")
        tag = taxonomy.check(word.lstrip("-") if not add else word)
        changes.append(TagChange(tag, add))
    return changes
