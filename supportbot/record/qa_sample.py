"""The weekly QA sample: which closed interactions of a week leads review, drawn so anyone can
check it.

    reviews = draw(closed, first_tags, seed=seed, week="2026-W49", config=qa, alert_at=2)
    await draw_week(store, kpi, "2026-W49", by=replica)   # draws, stores seed and reviews once

Per agent, `sample_share` of their closed interactions, rounded up, at least `sample_min` and at
most `sample_max` (never more than they closed), spread across tags: the agent's interactions
are grouped by their first tag and taken from each group in turn, in an order drawn from the
seed. On top, always: every interaction rated `csat_alert_at` or less, every SLA breach and
every interaction opened again after a close. The same rows and seed give the same sample, so
the stored seed reproduces it.

Reviews go to the configured `reviewers` in turn, never to the agent who handled the
interaction; without an eligible reviewer a review is left for any lead but that agent.
"""

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from supportbot.core.kpi_settings import KpiSettings, QaSettings
from supportbot.storage import Interaction, QaReview, QaSample, Store

__all__ = ["draw", "draw_week", "last_week", "parse_week", "redraw", "sample_size", "week_window"]

UNTAGGED = "(untagged)"


def sample_size(closed: int, config: QaSettings) -> int:
    """How many of an agent's `closed` interactions the random part samples."""
    wanted = math.ceil(closed * config.sample_share - 1e-9)
    return min(closed, max(config.sample_min, min(config.sample_max, wanted)))


def week_window(week: str, zone: str) -> tuple[datetime, datetime]:
    """[Monday 00:00, next Monday 00:00) of ISO week `2026-W49` in `zone`, as UTC instants;
    ValueError when `week` is not one."""
    year, _, number = week.partition("-W")
    monday = date.fromisocalendar(int(year), int(number), 1)
    start = datetime.combine(monday, time(0), ZoneInfo(zone))
    return start.astimezone(UTC), (start + timedelta(days=7)).astimezone(UTC)


def _must_review(interaction: Interaction, alert_at: int) -> str | None:
    if interaction.csat is not None and interaction.csat <= alert_at:
        return "low_csat"
    if "breached" in (interaction.sla_first_response, interaction.sla_resolution):
        return "sla_breach"
    if interaction.reopened_at is not None:
        return "reopened"
    return None


def _spread(
    rows: list[Interaction], tags: Mapping[str, str], n: int, rng: random.Random
) -> list[Interaction]:
    groups: dict[str, list[Interaction]] = {}
    for row in rows:
        groups.setdefault(tags.get(row.ref, UNTAGGED), []).append(row)
    order = sorted(groups)
    rng.shuffle(order)
    for name in order:
        rng.shuffle(groups[name])
    picked: list[Interaction] = []
    while len(picked) < n:
        for name in order:
            if groups[name] and len(picked) < n:
                picked.append(groups[name].pop())
    return picked


def draw(
    closed: Sequence[Interaction],
    tags: Mapping[str, str],
    *,
    seed: int,
    week: str,
    config: QaSettings,
    alert_at: int,
) -> list[QaReview]:
    """The week's reviews from its closed interactions (pure: same input, same reviews)."""
    by_agent: dict[str, list[Interaction]] = {}
    for row in sorted(closed, key=lambda r: r.ref):
        by_agent.setdefault(row.agent_id, []).append(row)
    reviewers = sorted(set(config.reviewers))
    load = dict.fromkeys(reviewers, 0)
    reviews: list[QaReview] = []
    for agent in sorted(by_agent):
        rows = by_agent[agent]
        rng = random.Random(f"{seed}:{week}:{agent}")
        forced = [(row, reason) for row in rows if (reason := _must_review(row, alert_at))]
        rest = [row for row in rows if _must_review(row, alert_at) is None]
        picked = _spread(rest, tags, min(len(rest), sample_size(len(rows), config)), rng)
        for row, reason in [*forced, *((row, "sample") for row in picked)]:
            eligible = [r for r in reviewers if r != agent]
            reviewer = min(eligible, key=lambda r: (load[r], r)) if eligible else ""
            if reviewer:
                load[reviewer] += 1
            reviews.append(
                QaReview(
                    week=week,
                    interaction_ref=row.ref,
                    agent_id=agent,
                    agent_name=row.agent_name,
                    reason=reason,
                    reviewer_id=reviewer,
                )
            )
    return reviews


async def draw_week(
    store: Store, kpi: KpiSettings, week: str, *, by: str, seed: int | None = None
) -> tuple[QaSample, list[QaReview]]:
    """Draw `week` (a new seed unless given) and store it once; when the week was drawn
    already, the stored sample and its reviews, unchanged."""
    drawn = await store.kpi.sample(week)
    if drawn is not None:
        return drawn, await store.kpi.reviews(week=week, limit=100_000)
    chosen = seed if seed is not None else secrets.randbelow(2**31)
    reviews = await redraw(store, kpi, week, chosen)
    sample = QaSample(
        week=week, seed=chosen, drawn_at=datetime.now(UTC), drawn_by=by, goal=len(reviews)
    )
    if not await store.kpi.save_sample(sample, reviews):
        return await draw_week(store, kpi, week, by=by)
    return sample, await store.kpi.reviews(week=week, limit=100_000)


async def redraw(store: Store, kpi: KpiSettings, week: str, seed: int) -> list[QaReview]:
    """`week`'s sample drawn from the record as it stands, with `seed` (nothing stored): with
    a stored sample's seed, the check that it was drawn as this module says."""
    since, until = week_window(week, kpi.business_hours.time_zone)
    closed = await store.kpi.interactions(since, until, by_close=True)
    tags = await store.kpi.first_tags([row.ref for row in closed])
    return draw(closed, tags, seed=seed, week=week, config=kpi.qa, alert_at=kpi.csat_alert_at)


def last_week(now: datetime, zone: str) -> str:
    """The ISO week before the one `now` is in, in `zone`: `2026-W48`."""
    year, week, _ = (now.astimezone(ZoneInfo(zone)) - timedelta(days=7)).isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str) -> str:
    """`2026-W48`, `2026-w48`, `2026W48` -> `2026-W48`; ValueError otherwise."""
    cleaned = text.strip().upper().replace("-", "")
    year, sep, number = cleaned.partition("W")
    if not (sep and len(year) == 4 and year.isdigit() and number.isdigit()):
        raise ValueError(text)
    week = f"{int(year)}-W{int(number):02d}"
    week_window(week, "UTC")  # raises for a week the year does not have
    return week
