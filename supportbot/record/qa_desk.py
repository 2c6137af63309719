"""The QA review as one command run uses it (`qa_of(ctx)`): the reviewer's queue, the scorecard,
the agent's own reviews and their acknowledgement, and the week's quality figures.

    qa = qa_of(ctx)
    await qa.draw("2026-W48")                          # the week's sample, once; and its check
    await qa.queue()                                   # waiting for me (reviewers only)
    await qa.review("Q-12", "3 4 n/a 2 Clear, but no note left")
    await qa.mine(); await qa.acknowledge("Q-12")      # the agent's side

A scorecard scores every configured criterion 1-4 or n/a, in the configured order (or as
`name=3`), then a comment. Nobody reviews an interaction they handled; a review assigned to
another reviewer is theirs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from supportbot.core.errors import NotAllowed, UsageError
from supportbot.core.kpi_settings import KpiSettings
from supportbot.core.message import User
from supportbot.storage import Interaction, Note, QaReview, QaSample, Store

from . import qa_wording as messages
from .kpi import nearest_rank
from .qa_sample import draw_week, last_week, parse_week, redraw

__all__ = [
    "Drawn",
    "QaDesk",
    "QaFigures",
    "Reviewed",
    "parse_review_ref",
    "parse_scorecard",
    "qa_figures",
]

_REF = re.compile(r"Q-?(\d{1,9})", re.IGNORECASE)
_SCORES = {"1": 1, "2": 2, "3": 3, "4": 4, "n/a": None, "na": None, "-": None}
COMMENT_MAX = 2000


def parse_review_ref(text: str) -> int:
    """`Q-12`, `q12`, `12` -> 12; UsageError naming what was typed otherwise."""
    match = _REF.fullmatch(text.strip()) or re.fullmatch(r"(\d{1,9})", text.strip())
    if match is None:
        raise UsageError(messages.not_a_review(text), example="/qa review Q-12")
    return int(match.group(1))


def parse_scorecard(
    words: Sequence[str], criteria: Sequence[str]
) -> tuple[dict[str, int | None], str]:
    """(criterion -> 1..4 or None for n/a, comment) from `3 4 n/a 2 comment...` or
    `tone=3 accuracy=4 ... comment`; UsageError saying which criterion is wrong or missing."""
    scores: dict[str, int | None] = {}
    rest = list(words)
    in_order = iter(criteria)
    while rest and len(scores) < len(criteria):
        word = rest[0].lower()
        name, sep, value = word.partition("=")
        if sep:
            if name not in criteria:
                raise UsageError(messages.unknown_criterion(name, criteria))
        else:
            name, value = next((c for c in in_order if c not in scores), ""), word
        if value not in _SCORES:
            if sep or value.isdigit():  # `5` meant a score; a word starts the comment
                raise UsageError(messages.bad_score(name, rest[0]))
            break
        scores[name] = _SCORES[value]
        rest.pop(0)
    missing = [c for c in criteria if c not in scores]
    if missing:
        raise UsageError(messages.scores_missing(missing, criteria))
    comment = " ".join(rest).strip()
    if not comment:
        raise UsageError(messages.comment_missing(), example="/qa review Q-12 3 4 n/a 2 Clear")
    if len(comment) > COMMENT_MAX:
        raise UsageError(messages.comment_too_long(len(comment), COMMENT_MAX))
    return scores, comment


@dataclass(frozen=True)
class QaFigures:
    """A week's review: completion against the goal, and scores by agent and by criterion."""

    sample: QaSample | None
    reviewed: int
    by_agent: dict[str, list[float]]
    by_criterion: dict[str, list[float]]

    @property
    def lines(self) -> list[str]:
        """Completion first, then medians and p90s (never means)."""
        if self.sample is None:
            return [messages.qa_not_drawn()]
        return [messages.qa_completion(self.sample.week, self.reviewed, self.sample.goal)]

    @staticmethod
    def score_rows(
        scores: dict[str, list[float]],
    ) -> list[tuple[str, int, float | None, float | None]]:
        """(name, scores, median, % scored 3 or 4) per name, by name."""
        return [
            (name, len(values), nearest_rank(values, 50), _good(values))
            for name, values in sorted(scores.items())
        ]

    def table(self, scores: dict[str, list[float]]) -> list[str]:
        """One line per name: the median score and the share scored 3 or 4."""
        return [messages.qa_score_line(*row) for row in self.score_rows(scores)]


def _good(values: Sequence[float]) -> float | None:
    return 100 * sum(v >= 3 for v in values) / len(values) if values else None


@dataclass(frozen=True)
class Drawn:
    """A week's sample as stored, and whether drawing it again with its seed from the record
    as it stands gives the same interactions (`changed` lists the ones that differ)."""

    sample: QaSample
    reviews: list[QaReview]
    changed: list[str]


@dataclass(frozen=True)
class Reviewed:
    """What a reviewer reads before scoring: the review, its interaction, tags and notes."""

    review: QaReview
    interaction: Interaction | None
    tags: list[str]
    notes: list[Note]


@dataclass
class QaDesk:
    """The QA review for one command run."""

    store: Store
    config: KpiSettings
    user: User
    roles: frozenset[str]
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    @staticmethod
    def line(review: QaReview) -> str:
        """The review in a list: `Q-12 · I-7K3QX2 by budi (low CSAT)`."""
        return messages.qa_review_line(review)

    @staticmethod
    def scores(review: QaReview) -> str:
        """A scored review's scorecard: `accuracy 3, tone n/a. “comment”` (masked)."""
        return messages.qa_scores(review)

    @property
    def is_reviewer(self) -> bool:
        """Whether the user has a reviewer role (`[kpi.qa] reviewer_roles`)."""
        return not self.roles.isdisjoint(self.config.qa.reviewer_roles)

    def _require_reviewer(self, what: str) -> None:
        if not self.is_reviewer:
            raise NotAllowed(what, self.config.qa.reviewer_roles, messages.qa_access())

    async def draw(self, week: str | None = None) -> Drawn:
        """Draw `week` (`2026-W48`; default the last full week) once, and check the stored
        sample against a draw with its seed (reviewers only)."""
        self._require_reviewer("qa draw")
        zone = self.config.business_hours.time_zone
        try:
            name = parse_week(week) if week else last_week(self.now(), zone)
        except ValueError:
            raise UsageError(messages.not_a_week(week or ""), example="/qa draw 2026-W48") from None
        sample, reviews = await draw_week(self.store, self.config, name, by=self.user.id)
        again = {
            r.interaction_ref for r in await redraw(self.store, self.config, name, sample.seed)
        }
        stored = {r.interaction_ref for r in reviews}
        return Drawn(sample, reviews, sorted(again ^ stored))

    async def details(self, review: QaReview) -> Reviewed:
        """The interaction behind `review`, with its tags and (unretracted) notes."""
        ref = review.interaction_ref
        record = self.store.record
        interaction = await record.interaction(ref)
        tags = [mark.tag for mark in await record.tags_on(interaction_ref=ref)]
        notes = await record.notes(interaction_ref=ref, limit=10)
        return Reviewed(review, interaction, tags, notes)

    async def queue(self) -> list[QaReview]:
        """Reviews waiting for the user: assigned to them, or to nobody and not their own."""
        self._require_reviewer("qa queue")
        waiting = await self.store.kpi.reviews(waiting=True, limit=2000)
        me = self.user.id
        return [
            r for r in waiting if r.reviewer_id == me or (not r.reviewer_id and r.agent_id != me)
        ]

    async def _review(self, reference: str) -> QaReview:
        found = await self.store.kpi.review(parse_review_ref(reference))
        if found is None:
            raise UsageError(messages.no_such_review(reference))
        return found

    async def scorecard(self, reference: str) -> QaReview:
        """The review to score, checked: the user may review it."""
        self._require_reviewer("qa review")
        review = await self._review(reference)
        if review.agent_id == self.user.id:
            raise UsageError(messages.own_review(review.ref))
        if review.reviewer_id and review.reviewer_id != self.user.id:
            raise UsageError(messages.assigned_elsewhere(review.ref, review.reviewer_id))
        return review

    async def review(self, reference: str, words: Sequence[str]) -> QaReview:
        """Score the review once; UsageError (nothing stored) on a bad or second scorecard."""
        review = await self.scorecard(reference)
        if review.reviewed_at is not None:
            raise UsageError(messages.already_reviewed(review.ref))
        scores, comment = parse_scorecard(words, list(self.config.qa.criteria))
        if not await self.store.kpi.score(
            review.id or 0, scores=scores, comment=comment, at=self.now()
        ):
            raise UsageError(messages.already_reviewed(review.ref))
        stored = await self.store.kpi.review(review.id or 0)
        assert stored is not None
        return stored

    async def mine(self) -> list[QaReview]:
        """The user's reviewed interactions, newest last."""
        return await self.store.kpi.reviews(agent_id=self.user.id, waiting=False)

    async def acknowledge(self, reference: str) -> QaReview:
        """The agent marks a review of their interaction as read (once)."""
        review = await self._review(reference)
        if review.agent_id != self.user.id:
            raise UsageError(messages.not_your_review(review.ref))
        if review.reviewed_at is None:
            raise UsageError(messages.not_reviewed_yet(review.ref))
        if not await self.store.kpi.acknowledge(review.id or 0, at=self.now()):
            raise UsageError(messages.already_acknowledged(review.ref))
        return review

    async def figures(self, week: str | None = None) -> QaFigures:
        """The week's (default: the last drawn) completion and scores."""
        return await qa_figures(self.store, week)


async def qa_figures(store: Store, week: str | None = None) -> QaFigures:
    """A week's (default: the last drawn) completion and scores, as `/stats qa` and the
    dashboard show them."""
    sample = await store.kpi.sample(week) if week else await store.kpi.latest()
    if sample is None:
        return QaFigures(None, 0, {}, {})
    reviews = await store.kpi.reviews(week=sample.week, limit=100_000)
    by_agent: dict[str, list[float]] = {}
    by_criterion: dict[str, list[float]] = {}
    done = [r for r in reviews if r.reviewed_at is not None and r.scores]
    for r in done:
        for name, score in (r.scores or {}).items():
            if isinstance(score, int):
                by_agent.setdefault(r.agent_name or r.agent_id, []).append(score)
                by_criterion.setdefault(name, []).append(score)
    return QaFigures(sample, len(done), by_agent, by_criterion)
