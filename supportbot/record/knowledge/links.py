"""Suggested links: when a contact's tags meet an active known issue's, say how to link it.

An issue concerns tags in two ways: the tags it was opened with (`--tags`) and the tag of its
"who is affected" rule (`--tag`). A contact carrying one of them, and not yet linked to the
issue, gets the line `/incident link KI-3 I-7K3QX2` to copy; nothing is linked by itself.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from supportbot.storage import Incident, Store

from . import wording as messages
from .incidents import MatchRule

__all__ = ["issue_tags", "link_suggestions"]

log = logging.getLogger("supportbot.record")

#: The most suggestions one reply carries.
SUGGESTION_LIMIT = 3


def issue_tags(incident: Incident) -> set[str]:
    """The tags an issue concerns, in lower case."""
    tags = {t.lower().lstrip("#") for t in incident.tags or ()}
    rule_tag = MatchRule.of(incident).tag
    if rule_tag:
        tags.add(rule_tag.lower().lstrip("#"))
    return tags


async def link_suggestions(store: Store, tags: Sequence[str], target: str) -> list[str]:
    """The suggestion lines for `target` (an interaction id or a merchant id) carrying `tags`;
    empty when the database cannot say (a suggestion is never worth failing a reply for)."""
    wanted = {t.lower().lstrip("#") for t in tags}
    kind = "merchant" if target.startswith("M-") else "interaction"
    try:
        active = await store.incidents.active()
        if not active:
            return []
        linked = set(await store.incidents.linked_to(kind, target))
    except Exception:
        log.warning("could not read the known issues to suggest a link", exc_info=True)
        return []
    lines = []
    for incident in active:
        shared = sorted(issue_tags(incident) & wanted)
        if not shared or incident.id in linked:
            continue
        lines.append(messages.link_suggestion(incident, shared, target))
    return lines[:SUGGESTION_LIMIT]
