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

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from supportbot.core.kpi_settings import KpiSettings
from supportbot.record.kpi import agent_figures, kpi_figures, nearest_rank
from supportbot.record.sla import SlaClock, state_at
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
    rows = await store.kpi.interactions(local(1, 0), local(10, 0))
    figures = kpi_figures(rows, AFTER)
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
    rows = await store.kpi.interactions(local(1, 0), local(10, 0))
    ani, budi = sorted(agent_figures(rows, AFTER), key=lambda row: row.agent_name)
    assert (ani.contacts, ani.first_response_p50_s, ani.csat.percent) == (2, 30 * 60, 50.0)
    assert (budi.contacts, budi.first_response_p50_s, budi.csat.percent) == (2, 60, 100.0)
    assert "ani: 2 contacts" in ani.line and "30 min" in ani.line


def test_an_open_contact_past_its_target_reads_as_breached_before_it_closes() -> None:
    opened = local(8, 9)
    values = CLOCK.on_open("chat", opened)
    assert values["sla_first_response"] == "pending"
    due = values["first_response_due_at"]
    assert due == local(8, 9, 15)
    assert state_at("pending", due, local(8, 9, 10)) == "pending"
    assert state_at("pending", due, local(8, 9, 16)) == "breached"
    assert state_at("met", due, local(8, 12)) == "met"


def test_a_channel_without_a_target_has_no_sla() -> None:
    clock = SlaClock.of(KpiSettings.model_validate({"sla": {"chat": {}}}))
    assert clock.on_open("email", local(8, 9))["sla_first_response"] is None


def test_percentiles_are_nearest_rank_never_means() -> None:
    assert nearest_rank([], 50) is None
    assert nearest_rank([1.0, 2.0, 100.0], 50) == 2.0
    assert nearest_rank([1.0, 2.0, 100.0], 90) == 100.0
    assert nearest_rank([7.0], 90) == 7.0


def test_no_rows_give_no_figures_rather_than_zeros() -> None:
    figures = kpi_figures([], AFTER)
    assert figures.first_response_p50_s is None
    assert figures.first_response_sla.percent is None
    assert figures.csat.percent is None and figures.csat.response_rate is None
    assert "—" in figures.lines[0]
