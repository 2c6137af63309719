"""First response, resolution and SLA % agree with a hand computation on a fixture that crosses
a weekend and a holiday, computed from rows stored in (and read back from) both databases.

Business hours Mon-Fri 09:00-17:00 Jakarta; Monday 7 December 2026 is a holiday. Targets:
chat 15/240, email 240/1440, call 2/60 business minutes (first response/resolution).

| ref | channel | opened     | first reply | closed      | FRT | SLA  | resolution | SLA |
|-----|---------|------------|-------------|-------------|-----|------|------------|-----|
| A   | chat    | Fri 16:50  | Tue 09:20   | Tue 10:00   | 30  | miss | 70         | met |
| B   | email   | Sat 11:00  | Tue 10:00   | Tue 14:00   | 60  | met  | 300        | met |
| C   | call    | Tue 08:00  | Tue 09:01   | Tue 09:30   | 1   | met  | 30         | met |
| D   | chat    | Thu 16:00  | (none)      | Thu 16:10   | —   | met* | 10         | met |

*closing stops the clocks: D was closed 10 minutes in, within the 15-minute target.
First response p50 (nearest rank of 1, 30, 60) = 30 min, p90 = 60; SLA 3 of 4 = 75 %.
Resolution p50 of 10, 30, 70, 300 = 30 min, p90 = 300; SLA 4 of 4 = 100 %.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from supportbot.core.kpi_settings import KpiSettings
from supportbot.record.kpi import agents_of, kpis_of, nearest_rank
from supportbot.record.sla import SlaClock
from supportbot.storage import Interaction, Store

JAKARTA = ZoneInfo("Asia/Jakarta")
CLOCK = SlaClock.of(KpiSettings.model_validate({"business_hours": {"holidays": ["2026-12-07"]}}))
AFTER = datetime(2026, 12, 20, tzinfo=UTC)


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=JAKARTA).astimezone(UTC)


def fixture() -> list[Interaction]:
    rows = [
        ("I-AAAAAA", "chat", local(4, 16, 50), local(8, 9, 20), local(8, 10), "ani", 5),
        ("I-BBBBBB", "email", local(5, 11), local(8, 10), local(8, 14), "ani", 2),
        ("I-CCCCCC", "call", local(8, 8), local(8, 9, 1), local(8, 9, 30), "budi", None),
        ("I-DDDDDD", "chat", local(3, 16), None, local(3, 16, 10), "budi", 4),
    ]
    made = []
    for ref, channel, opened, reply, closed, agent, csat in rows:
        bare = Interaction(
            ref=ref,
            channel=channel,
            agent_id=f"terminal:{agent}",
            agent_name=agent,
            opened_at=opened,
            first_reply_at=reply,
            closed_at=closed,
            csat=csat,
        )
        values = CLOCK.backfill(bare)
        made.append(Interaction(**{**bare.__dict__, **values}))
    return made


def test_each_interaction_records_its_clocks_as_computed_by_hand() -> None:
    a, b, c, d = fixture()
    assert (a.first_response_s, a.sla_first_response) == (30 * 60, "breached")
    assert a.first_response_due_at == datetime(2026, 12, 8, 9, 5, tzinfo=JAKARTA)
    assert (a.resolution_s, a.sla_resolution) == (70 * 60, "met")
    assert (b.first_response_s, b.sla_first_response) == (60 * 60, "met")
    assert (b.resolution_s, b.sla_resolution) == (300 * 60, "met")
    assert (c.first_response_s, c.sla_first_response) == (60, "met")
    assert (d.first_response_s, d.sla_first_response) == (None, "met")
    assert (d.resolution_s, d.sla_resolution) == (10 * 60, "met")


async def test_the_kpis_of_the_stored_rows_agree_with_the_hand_computation(store: Store) -> None:
    await store.record.import_rows(fixture())
    figures = await kpis_of(store, local(1, 0), local(10, 0), AFTER)
    assert figures.contacts == 4
    assert (figures.first_response_p50_s, figures.first_response_p90_s) == (30 * 60, 60 * 60)
    assert (figures.resolution_p50_s, figures.resolution_p90_s) == (30 * 60, 300 * 60)
    first = figures.first_response_sla
    assert (first.met, first.breached, first.pending, first.percent) == (3, 1, 0, 75.0)
    assert figures.resolution_sla.percent == 100.0
    assert figures.by_channel["chat"][0].percent == 50.0
    # CSAT: ratings 5, 2, 4 -> two of three are 4 or 5; three of four closed were rated.
    assert (figures.csat.rated, figures.csat.satisfied, figures.csat.closed) == (3, 2, 4)
    assert round(figures.csat.percent or 0, 1) == 66.7
    assert figures.csat.response_rate == 75.0


async def test_per_agent_figures_split_the_same_rows(store: Store) -> None:
    await store.record.import_rows(fixture())
    ani, budi = sorted(
        await agents_of(store, local(1, 0), local(10, 0), AFTER), key=lambda row: row.agent_name
    )
    assert (ani.contacts, ani.first_response_p50_s, ani.csat.percent) == (2, 30 * 60, 50.0)
    assert (budi.contacts, budi.first_response_p50_s, budi.csat.percent) == (2, 60, 100.0)
    assert "ani: 2 contacts" in ani.line and "30 min" in ani.line


async def test_an_open_contact_past_its_target_reads_as_breached_before_it_closes(
    store: Store,
) -> None:
    opened = local(8, 9)
    values = CLOCK.on_open("chat", opened)
    assert values["sla_first_response"] == "pending"
    assert values["first_response_due_at"] == local(8, 9, 15)
    waiting = Interaction(ref="I-EEEEEE", channel="chat", agent_id="a", opened_at=opened)
    await store.record.import_rows([Interaction(**{**waiting.__dict__, **values})])

    async def first_sla(now: datetime) -> tuple[int, int, int]:
        count = (await kpis_of(store, local(1, 0), local(10, 0), now)).first_response_sla
        return count.met, count.breached, count.pending

    assert await first_sla(local(8, 9, 10)) == (0, 0, 1)
    assert await first_sla(local(8, 9, 16)) == (0, 1, 0)


def test_a_channel_without_a_target_has_no_sla() -> None:
    clock = SlaClock.of(KpiSettings.model_validate({"sla": {"chat": {}}}))
    assert clock.on_open("email", local(8, 9))["sla_first_response"] is None


def test_percentiles_are_nearest_rank_never_means() -> None:
    assert nearest_rank([], 50) is None
    assert nearest_rank([1.0, 2.0, 100.0], 50) == 2.0
    assert nearest_rank([1.0, 2.0, 100.0], 90) == 100.0
    assert nearest_rank([7.0], 90) == 7.0


async def test_no_rows_give_no_figures_rather_than_zeros(store: Store) -> None:
    figures = await kpis_of(store, local(1, 0), local(10, 0), AFTER)
    assert figures.contacts == 0 and figures.first_response_p50_s is None
    assert figures.first_response_sla.percent is None
    assert figures.csat.percent is None and figures.csat.response_rate is None
    assert "—" in figures.lines[0]
    assert await agents_of(store, local(1, 0), local(10, 0), AFTER) == []


def _random_rows(seed: int, count: int) -> list[Interaction]:
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        opened = local(1, 0) + timedelta(minutes=rng.randrange(9 * 24 * 60))
        answered = rng.random() < 0.8
        closed = rng.random() < 0.7
        rows.append(
            Interaction(
                ref=f"I-R{seed}{n:04d}",
                channel=rng.choice(["chat", "call", "email"]),
                agent_id=f"a{rng.randrange(4)}",
                agent_name=f"agent {n % 4}",
                opened_at=opened,
                closed_at=opened + timedelta(hours=1) if closed else None,
                # repeats on purpose: ties must rank as the Python definition does
                first_response_s=float(rng.randrange(0, 3000, 60)) if answered else None,
                resolution_s=float(rng.randrange(60, 9000, 300)) if closed else None,
                sla_first_response=rng.choice(["met", "breached", "pending", None]),
                first_response_due_at=opened + timedelta(minutes=rng.randrange(-60, 600)),
                sla_resolution=rng.choice(["met", "breached", "pending", None]),
                resolution_due_at=opened + timedelta(minutes=rng.randrange(-60, 6000)),
                csat=rng.choice([None, None, 1, 2, 3, 4, 5]),
            )
        )
    return rows


def _by_hand(rows: list[Interaction], now: datetime) -> dict[str, object]:
    def state(value: str | None, due: datetime | None) -> str | None:
        return "breached" if value == "pending" and due is not None and due < now else value

    first = [r.first_response_s for r in rows if r.first_response_s is not None]
    resolved = [r.resolution_s for r in rows if r.resolution_s is not None]
    states = [state(r.sla_first_response, r.first_response_due_at) for r in rows]
    rated = [r.csat for r in rows if r.csat is not None]
    return {
        "contacts": len(rows),
        "first": (nearest_rank(first, 50), nearest_rank(first, 90), len(first)),
        "resolution": (nearest_rank(resolved, 50), nearest_rank(resolved, 90), len(resolved)),
        "sla": (states.count("met"), states.count("breached"), states.count("pending")),
        "csat": (
            len(rated),
            sum(c >= 4 for c in rated),
            sum(r.closed_at is not None for r in rows),
        ),
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_the_database_counts_and_ranks_as_the_definition_says(
    store: Store, seed: int
) -> None:
    rows = _random_rows(seed, 120)
    await store.record.import_rows(rows)
    since, until, now = local(2, 0), local(8, 0), local(6, 12)
    inside = [r for r in rows if since <= r.opened_at < until]
    figures = await kpis_of(store, since, until, now)
    first, resolution = figures.first_response_sla, figures.resolution_sla
    assert _by_hand(inside, now) == {
        "contacts": figures.contacts,
        "first": (figures.first_response_p50_s, figures.first_response_p90_s, figures.answered),
        "resolution": (figures.resolution_p50_s, figures.resolution_p90_s, figures.closed),
        "sla": (first.met, first.breached, first.pending),
        "csat": (figures.csat.rated, figures.csat.satisfied, figures.csat.closed),
    }
    assert sum(c.met for c, _ in figures.by_channel.values()) == first.met
    assert sum(r.met for _, r in figures.by_channel.values()) == resolution.met
    for agent in await agents_of(store, since, until, now):
        theirs = [r for r in inside if r.agent_id == agent.agent_id]
        expected = _by_hand(theirs, now)
        assert agent.contacts == expected["contacts"]
        assert (agent.first_response_p50_s, agent.first_response_p90_s) == expected["first"][:2]  # type: ignore[index]
