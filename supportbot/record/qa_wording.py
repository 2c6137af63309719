"""Every sentence of the QA review (`/qa`, `/stats qa`): the queue, the scorecard, the agent's
side and the week's figures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from supportbot.core.masking import mask_text

from .wording import percent, quoted

if TYPE_CHECKING:
    from supportbot.storage import QaReview


def not_a_review(text: str) -> str:
    return f"{quoted(text)} is not a review id: use the Q-12 id from /qa queue or /qa mine."


def no_such_review(text: str) -> str:
    return f"There is no review {quoted(text)}. /qa queue lists the ones waiting for you."


def qa_access() -> str:
    return "Reviews are scored by the roles in [kpi.qa] reviewer_roles; ask a support lead."


def own_review(ref: str) -> str:
    return f"{ref} is an interaction you handled: another reviewer scores it."


def assigned_elsewhere(ref: str, reviewer: str) -> str:
    return f"{ref} is assigned to {reviewer}. /qa queue lists the reviews waiting for you."


def already_reviewed(ref: str) -> str:
    return f"{ref} was already reviewed; a scorecard is kept as first given."


def unknown_criterion(name: str, criteria: Sequence[str]) -> str:
    return f"{quoted(name)} is not a criterion: use {', '.join(criteria)}."


def bad_score(name: str, typed: str) -> str:
    return f"{quoted(typed)} is not a score for {name}: use 1, 2, 3, 4 or n/a."


def scores_missing(missing: Sequence[str], criteria: Sequence[str]) -> str:
    return (
        f"Score every criterion, 1-4 or n/a, in this order: {', '.join(criteria)} "
        f"(missing: {', '.join(missing)}), then a comment."
    )


def comment_missing() -> str:
    return "Add a comment after the scores: what was good, and what to do differently."


def comment_too_long(length: int, limit: int) -> str:
    return f"The comment has {length:,} characters; keep it under {limit:,}."


def not_your_review(ref: str) -> str:
    return f"{ref} is about another agent's interaction; /qa mine lists yours."


def not_reviewed_yet(ref: str) -> str:
    return f"{ref} has not been reviewed yet; you can acknowledge it once it has."


def already_acknowledged(ref: str) -> str:
    return f"You already acknowledged {ref}."


def qa_not_drawn() -> str:
    return "No QA sample has been drawn yet: it is drawn each week ([kpi.qa] weekday and hour)."


def qa_completion(week: str, reviewed: int, goal: int) -> str:
    share = f" ({100 * reviewed / goal:.0f} %)" if goal else ""
    return f"{week}: {reviewed:,} of {goal:,} reviews done{share}."


def qa_score_line(name: str, count: int, median: float | None, good: float | None) -> str:
    shown = "—" if median is None else f"{median:g}"
    scores = f"{count:,} score{'' if count == 1 else 's'}"
    return f"{name}: median {shown} of 4 · {percent(good)} scored 3 or 4 ({scores})"


def qa_review_line(review: QaReview) -> str:
    """`Q-12 · I-7K3QX2 by budi (low CSAT)`: a review in a list, with why it was sampled."""
    reason = {"low_csat": "low CSAT", "sla_breach": "SLA breach", "reopened": "reopened"}
    why = reason.get(review.reason, "sample")
    agent = review.agent_name or review.agent_id
    return f"{review.ref} · {review.interaction_ref} by {agent} ({why})"


def qa_scores(review: QaReview) -> str:
    """`accuracy 3, tone n/a. “comment”`: a scored review's scorecard, the comment masked."""
    scores = review.scores or {}
    shown = ", ".join(f"{k} {'n/a' if v is None else v}" for k, v in scores.items())
    return f"{shown}. “{mask_text(review.comment or '')}”"


def not_a_week(text: str) -> str:
    return f"{quoted(text)} is not a week: use its ISO name, like 2026-W48 (or nothing: last week)."
