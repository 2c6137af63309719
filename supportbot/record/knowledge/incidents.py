"""Known issues: references, the status flow, who is affected (the match rule), and the banner.

A rule names who is affected in any of three ways, any one enough to match:

- merchant fields (`--match device_model="PAX A920" --match plan=Basic,Pro`): every field named
  must match (one of its comma-separated values), case-insensitively;
- a tag (`--tag settlement/delayed`): interactions and merchants with that tag;
- an explicit list (`--merchants M-10001,M-10002`), to which `/incident link` adds.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from supportbot.storage import Incident

from . import wording as messages
from .facts import MATCH_FIELDS, MerchantFacts

__all__ = [
    "STATUSES",
    "MatchRule",
    "banner_lines",
    "matching",
    "next_statuses",
    "parse_match",
    "parse_merchant_list",
    "parse_ref",
]

#: The status flow, in order. Any later status may follow (monitoring can go straight to
#: resolved); going back is allowed too (a fix that did not hold), and recorded like any change.
STATUSES = ("investigating", "identified", "monitoring", "resolved")
_REF = re.compile(r"(?:ki-?)?([0-9]{1,9})", re.IGNORECASE)
_MERCHANT = re.compile(r"M-?([0-9]{5})", re.IGNORECASE)
MAX_VALUES = 20
MAX_MERCHANTS = 10_000


def parse_ref(text: str) -> int:
    """`KI-3`, `ki3` or `3` → 3; ValueError with the sentence to show otherwise."""
    match = _REF.fullmatch(text.strip())
    if match is None or int(match.group(1)) == 0:
        raise ValueError(messages.bad_incident_ref(text))
    return int(match.group(1))


def next_statuses(status: str) -> list[str]:
    """The statuses an issue in `status` may move to."""
    return [s for s in STATUSES if s != status]


@dataclass(frozen=True)
class MatchRule:
    """Who a known issue affects (see the module docstring)."""

    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    tag: str | None = None
    merchants: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """Whether it names nobody."""
        return not self.fields and self.tag is None and not self.merchants

    def as_json(self) -> dict[str, Any]:
        """The stored form."""
        stored: dict[str, Any] = {}
        if self.fields:
            stored["fields"] = {k: list(v) for k, v in self.fields.items()}
        if self.tag:
            stored["tag"] = self.tag
        if self.merchants:
            stored["merchants"] = list(self.merchants)
        return stored

    @classmethod
    def of(cls, incident: Incident) -> MatchRule:
        """The rule stored with `incident` (tolerant of anything odd in the column)."""
        stored = incident.match or {}
        raw_fields = stored.get("fields") if isinstance(stored.get("fields"), dict) else {}
        fields = {
            str(k): tuple(str(v) for v in values)
            for k, values in (raw_fields or {}).items()
            if isinstance(values, list) and k in MATCH_FIELDS
        }
        tag = stored.get("tag") if isinstance(stored.get("tag"), str) else None
        merchants = stored.get("merchants") if isinstance(stored.get("merchants"), list) else []
        return cls(fields, tag, tuple(str(m) for m in merchants or ()))

    def matches(
        self,
        facts: MerchantFacts | None,
        *,
        merchant_id: str | None = None,
        tags: Collection[str] = (),
        linked: bool = False,
    ) -> bool:
        """Whether a merchant (its facts, or only its id) or a contact (its tags) is affected."""
        who = facts.merchant_id if facts is not None else merchant_id
        if linked or (who is not None and who in self.merchants):
            return True
        if self.tag is not None and self.tag in tags:
            return True
        if not self.fields or facts is None:
            return False
        for name, wanted in self.fields.items():
            have = facts.fields.get(name, frozenset())
            if not any(value.casefold() in have for value in wanted):
                return False
        return True


def parse_match(texts: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """`['device_model=PAX A920', 'plan=Basic,Pro']` → fields; ValueError naming a bad one."""
    fields: dict[str, tuple[str, ...]] = {}
    for text in texts:
        name, sep, value = text.partition("=")
        name = name.strip().lower()
        values = tuple(v.strip() for v in value.split(",") if v.strip())
        if not sep or name not in MATCH_FIELDS or not values or len(values) > MAX_VALUES:
            raise ValueError(messages.bad_match(text, MATCH_FIELDS))
        if any(len(v) > 100 for v in values):
            raise ValueError(messages.bad_match(text, MATCH_FIELDS))
        fields[name] = tuple(dict.fromkeys((*fields.get(name, ()), *values)))
    return fields


def parse_merchant_list(text: str) -> tuple[str, ...]:
    """`M-10001,m10002 M-10003` → ("M-10001", "M-10002", "M-10003"); ValueError naming a bad id."""
    ids: list[str] = []
    for word in re.split(r"[,\s]+", text.strip()):
        if not word:
            continue
        match = _MERCHANT.fullmatch(word)
        if match is None:
            raise ValueError(
                f"{word[:40]!r} is not a merchant id: write them like M-10001,M-10002."
            )
        ids.append(f"M-{match.group(1)}")
    if len(ids) > MAX_MERCHANTS:
        raise ValueError(f"{len(ids):,} merchants is more than a list takes ({MAX_MERCHANTS:,}).")
    return tuple(dict.fromkeys(ids))


def matching(
    incidents: Sequence[Incident],
    facts: MerchantFacts | None,
    *,
    merchant_id: str | None = None,
    tags: Collection[str] = (),
    linked: Mapping[int, bool] | None = None,
) -> list[Incident]:
    """The active issues among `incidents` that affect this merchant or contact."""
    return [
        incident
        for incident in incidents
        if incident.active
        and MatchRule.of(incident).matches(
            facts,
            merchant_id=merchant_id,
            tags=tags,
            linked=bool(linked and linked.get(incident.id)),
        )
    ]


def banner_lines(incidents: Sequence[Incident]) -> list[str]:
    """One line per issue for the top of a card: reference, title, status, workaround."""
    lines = []
    for incident in incidents:
        workaround = f" Workaround: {incident.workaround}" if incident.workaround else ""
        lines.append(f"⚠️ {incident.ref} {incident.title} ({incident.status}).{workaround}")
    return lines
