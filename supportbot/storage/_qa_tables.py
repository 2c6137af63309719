"""Tables of the weekly QA review.

- `qa_samples`: one row per sampled week (`2026-W49`), with the seed it was drawn with, so
  drawing the week again with that seed gives the same interactions (a check anyone can run).
- `qa_reviews`: one row per sampled interaction (`Q-12`), assigned to a reviewer who did not
  handle it; the scores (criterion -> 1..4, or None for n/a) and a comment once reviewed, and
  when the agent acknowledged it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ._models import Base, UTCDateTime

__all__ = ["QaReviewRow", "QaSampleRow"]


class QaSampleRow(Base):
    """A week's QA sample: its seed, when and by which replica it was drawn."""

    __tablename__ = "qa_samples"

    week: Mapped[str] = mapped_column(String(10), primary_key=True)
    seed: Mapped[int] = mapped_column(Integer)
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime())
    drawn_by: Mapped[str] = mapped_column(String(200))
    #: How many reviews the week's sample asks for (the completion goal).
    goal: Mapped[int] = mapped_column(Integer)


class QaReviewRow(Base):
    """One interaction of a week's sample, waiting for (or with) its review."""

    __tablename__ = "qa_reviews"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    week: Mapped[str] = mapped_column(String(10))
    interaction_ref: Mapped[str] = mapped_column(String(16))
    agent_id: Mapped[str] = mapped_column(String(200))
    agent_name: Mapped[str] = mapped_column(String(200), default="")
    #: Why it is in the sample: sample, low_csat, sla_breach, reopened.
    reason: Mapped[str] = mapped_column(String(32))
    reviewer_id: Mapped[str] = mapped_column(String(200))
    scores: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    comment: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("week", "interaction_ref", name="uq_qa_reviews_week_interaction"),
        Index("ix_qa_reviews_reviewer", "reviewer_id", "reviewed_at"),
        Index("ix_qa_reviews_agent", "agent_id", "week"),
    )
