"""The weekly QA sample: ceil(10 %) per agent within 2..15, every low rating, breach and reopened
interaction included, spread across tags, never reviewed by its own agent, and the same when
drawn again with the stored seed; the job runs once across two replicas."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supportbot.core.kpi_settings import KpiSettings, QaSettings
from supportbot.record.jobs import scheduled_jobs
from supportbot.record.qa_sample import draw, draw_week, sample_size, week_window
from supportbot.record.scheduler import Scheduler
from supportbot.storage import Interaction, Store, TagMark

WEEK = "2026-W49"  # Mon 30 Nov - Sun 6 Dec 2026, Jakarta
KPI = KpiSettings.model_validate({"qa": {"reviewers": ["terminal:lina", "terminal:dewi"]}})
TAGS = ["settlement/delayed", "device/offline", "payment/refund", "account/pin"]


def week_rows(counts: dict[str, int]) -> tuple[list[Interaction], list[TagMark]]:
    start, _ = week_window(WEEK, "Asia/Jakarta")
    rows, tags = [], []
    n = 0
    for agent, count in counts.items():
        for k in range(count):
            n += 1
            opened = start + timedelta(hours=2 + n % 100, minutes=k % 60)
            rows.append(
                Interaction(
                    ref=f"I-Q{n:05d}",
                    channel="chat",
                    agent_id=f"terminal:{agent}",
                    agent_name=agent,
                    opened_at=opened,
                    closed_at=opened + timedelta(minutes=10),
                    csat=1 if k == 3 else (2 if k == 5 else 5 if k % 2 else None),
                    sla_first_response="breached" if k == 7 else "met",
                    sla_resolution="met",
                )
            )
            tags.append(
                TagMark(
                    key=f"t-{n}",
                    tag=TAGS[k % len(TAGS)],
                    added_at=opened,
                    added_by=f"terminal:{agent}",
                    interaction_ref=f"I-Q{n:05d}",
                )
            )
    return rows, tags


@pytest.mark.parametrize(
    ("closed", "expected"),
    [(0, 0), (1, 1), (5, 2), (20, 2), (21, 3), (99, 10), (100, 10), (400, 15)],
)
def test_the_random_part_is_a_tenth_rounded_up_within_the_bounds(
    closed: int, expected: int
) -> None:
    assert sample_size(closed, QaSettings()) == expected


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 5000), st.floats(0.01, 1), st.integers(0, 20), st.integers(1, 40))
def test_the_sample_size_always_respects_share_bounds_and_supply(
    closed: int, share: float, low: int, high: int
) -> None:
    config = QaSettings(sample_share=share, sample_min=min(low, high), sample_max=high)
    n = sample_size(closed, config)
    assert 0 <= n <= closed
    assert n <= high
    assert n >= min(closed, min(low, high))
    if min(low, high) <= math.ceil(closed * share) <= high:
        assert n == min(closed, math.ceil(closed * share - 1e-9))


def test_every_low_rating_breach_is_in_and_no_agent_reviews_their_own() -> None:
    rows, marks = week_rows({"ani": 40, "budi": 8, "lina": 150})
    tags = {m.interaction_ref or "": m.tag for m in marks}
    reviews = draw(rows, tags, seed=7, week=WEEK, config=KPI.qa, alert_at=2)
    for agent, closed in (("ani", 40), ("budi", 8), ("lina", 150)):
        theirs = [r for r in reviews if r.agent_id == f"terminal:{agent}"]
        forced = [r for r in theirs if r.reason != "sample"]
        assert {r.reason for r in forced} == {"low_csat", "sla_breach"}
        assert len(forced) == 3  # ratings 1 and 2, one breach
        assert len(theirs) - len(forced) == min(closed - 3, sample_size(closed, KPI.qa))
    assert all(r.reviewer_id != r.agent_id for r in reviews)
    assert {r.reviewer_id for r in reviews if r.agent_id == "terminal:lina"} == {"terminal:dewi"}
    low = {row.ref for row in rows if row.csat is not None and row.csat <= 2}
    assert low <= {r.interaction_ref for r in reviews}


def test_the_random_part_spreads_across_tags() -> None:
    rows, marks = week_rows({"ani": 120})
    tags = {m.interaction_ref or "": m.tag for m in marks}
    reviews = draw(rows, tags, seed=3, week=WEEK, config=KPI.qa, alert_at=2)
    sampled = [tags[r.interaction_ref] for r in reviews if r.reason == "sample"]
    assert len(sampled) == 12
    assert {sampled.count(tag) for tag in TAGS} == {3}


def test_the_same_seed_gives_the_same_sample_and_another_seed_another() -> None:
    rows, marks = week_rows({"ani": 60, "budi": 60})
    tags = {m.interaction_ref or "": m.tag for m in marks}
    first = draw(rows, tags, seed=42, week=WEEK, config=KPI.qa, alert_at=2)
    again = draw(list(reversed(rows)), tags, seed=42, week=WEEK, config=KPI.qa, alert_at=2)
    other = draw(rows, tags, seed=43, week=WEEK, config=KPI.qa, alert_at=2)
    assert first == again
    assert [r.interaction_ref for r in first] != [r.interaction_ref for r in other]


async def test_the_stored_seed_reproduces_the_stored_sample(store: Store) -> None:
    rows, marks = week_rows({"ani": 35, "budi": 12})
    await store.record.import_rows(rows, marks)
    sample, reviews = await draw_week(store, KPI, WEEK, by="replica-a")
    assert sample.goal == len(reviews) == (4 + 3) + (2 + 3)
    redrawn = draw(
        await store.kpi.interactions(*week_window(WEEK, "Asia/Jakarta"), by_close=True),
        await store.kpi.first_tags([row.ref for row in rows]),
        seed=sample.seed,
        week=WEEK,
        config=KPI.qa,
        alert_at=KPI.csat_alert_at,
    )
    key = sorted((r.interaction_ref, r.reason, r.reviewer_id) for r in reviews)
    assert key == sorted((r.interaction_ref, r.reason, r.reviewer_id) for r in redrawn)
    # Drawing the week again changes nothing: the stored sample comes back.
    again, same = await draw_week(store, KPI, WEEK, by="replica-b", seed=sample.seed + 1)
    assert again == sample and [r.id for r in same] == [r.id for r in reviews]


async def test_interactions_closed_outside_the_week_are_not_sampled(store: Store) -> None:
    rows, marks = week_rows({"ani": 10})
    late = Interaction(
        ref="I-LATE01",
        channel="chat",
        agent_id="terminal:ani",
        opened_at=datetime(2026, 12, 6, 16, 50, tzinfo=UTC),
        closed_at=datetime(2026, 12, 6, 17, 30, tzinfo=UTC),  # Monday 00:30 in Jakarta
        csat=1,
    )
    await store.record.import_rows([*rows, late], marks)
    _, reviews = await draw_week(store, KPI, WEEK, by="replica-a")
    assert "I-LATE01" not in {r.interaction_ref for r in reviews}


class _Bot:
    def __init__(self, store: Store) -> None:
        self.store: Store | None = store
        self.poster = None  # a terminal: no channel poster, so only the QA job is scheduled
        from supportbot import load_settings

        self.settings = load_settings(None, kpi={"qa": {"reviewers": ["terminal:lina"]}})


async def test_two_replicas_draw_the_week_once_through_the_lease(store: Store) -> None:
    rows, marks = week_rows({"ani": 30})
    await store.record.import_rows(rows, marks)
    monday = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)  # 07:00 Jakarta, after the 06:00 draw
    one = Scheduler(store, scheduled_jobs(_Bot(store)), holder="a", now=lambda: monday)
    two = Scheduler(store, scheduled_jobs(_Bot(store)), holder="b", now=lambda: monday)
    assert await one.tick() == ["qa-sample:2026-W49"]
    assert await two.tick() == []
    assert await one.tick() == []
    sample = await store.kpi.sample(WEEK)
    assert sample is not None and sample.goal == len(await store.kpi.reviews(week=WEEK))
