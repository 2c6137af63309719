"""When a new feature request is the same as an open one: the rule, as pure functions.

The rule (README.md, "Feature requests"): an ask joins an open request when both have the same
tag (or both none) and their texts are similar:

- each text becomes its set of words: Unicode-normalised (NFKC), lower-cased, split on anything
  that is not a letter or a digit, a plural `s` dropped from words of 4+ letters, and common
  English and Indonesian filler words (`the`, `to`, `a`, `yang`, `untuk` ...) left out;
- the score is the share of words the two have in common (shared words over all their distinct
  words, the Jaccard index), from 0 to 1;
- they are similar when the score reaches the threshold (`[knowledge] request_similarity`,
  0.6 by default: three words in five the same, so one word of three differing is not).

The ask is compared with each candidate's title (the words of its first ask). The best score
wins; a tie goes to the request more merchants asked for, then to the older one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from . import wording as messages

__all__ = ["MAX_REQUEST_TEXT", "Candidate", "best_match", "parse_request_ref", "parse_request_text"]

MAX_REQUEST_TEXT = 500
_WORD = re.compile(r"[^\W_]+")
_TAG = re.compile(r"[a-z0-9][a-z0-9_/.-]{0,59}")
_REF = re.compile(r"(?:R-?)?([0-9]{1,9})", re.IGNORECASE)
FILLER = frozenset(
    "a an the to of for in on at by with and or is are be it its we our my me i they them "
    "please can could would should want wants wanted need needs like able ability option "
    "feature request asks asked yang untuk dan di ke dari dengan ini itu bisa mau ingin minta "
    "tolong agar supaya".split()
)


def words_of(text: str) -> frozenset[str]:
    """The words a text is compared by (see the module docstring)."""
    found: set[str] = set()
    for word in _WORD.findall(unicodedata.normalize("NFKC", text).casefold()):
        if len(word) >= 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        if word not in FILLER:
            found.add(word)
    return frozenset(found)


def similarity(one: str, other: str) -> float:
    """Shared words over all distinct words of both texts (0 when either has none)."""
    a, b = words_of(one), words_of(other)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Candidate:
    """An open request a new ask may be the same as."""

    request_id: int
    title: str
    merchants: int


def best_match(
    text: str, candidates: Sequence[Candidate], threshold: float
) -> tuple[Candidate, float] | None:
    """The candidate `text` is the same as, with its score, or None (a new request)."""
    best: tuple[Candidate, float] | None = None
    for candidate in candidates:
        score = similarity(text, candidate.title)
        if score < threshold or score == 0.0:
            continue
        if best is None or (score, candidate.merchants, -candidate.request_id) > (
            best[1],
            best[0].merchants,
            -best[0].request_id,
        ):
            best = (candidate, score)
    return best


def parse_request_text(words: str) -> tuple[str, str | None]:
    """The text of an ask and its tag: `#tag` words (at most one) anywhere in it. ValueError
    with the sentence to show for an empty text, a second tag, a tag that cannot be one, or a
    text over MAX_REQUEST_TEXT characters."""
    tag: str | None = None
    kept: list[str] = []
    for word in words.split():
        if word.startswith("#") and len(word) > 1:
            name = word[1:].lower()
            if not _TAG.fullmatch(name):
                raise ValueError(messages.bad_request_tag(word))
            if tag is not None and name != tag:
                raise ValueError(messages.two_request_tags(tag, name))
            tag = name
        else:
            kept.append(word)
    text = " ".join(kept)
    if not words_of(text):
        raise ValueError(messages.empty_request())
    if len(text) > MAX_REQUEST_TEXT:
        raise ValueError(messages.request_too_long(len(text), MAX_REQUEST_TEXT))
    return text, tag


def parse_request_ref(text: str) -> int:
    """R-4, r4 or 4 as 4; ValueError with the sentence to show otherwise."""
    found = _REF.fullmatch(text.strip())
    if found is None or int(found.group(1)) == 0:
        raise ValueError(messages.bad_request_ref(text))
    return int(found.group(1))
