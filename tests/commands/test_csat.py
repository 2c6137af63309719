"""/csat: one 1-5 rating per closed interaction; a low one reaches the leads' outlet; wrong,
empty, huge, unicode and hostile input get a sentence naming what was typed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from supportbot import Outcome, load_settings
from supportbot.dispatch.bot import Outlets
from supportbot.storage import upgrade
from supportbot.testing import BotTester

from .conftest import ANI, BUDI, COMMANDS, LINA


class LeadsRecorder:
    """A leads outlet that keeps what it was given."""

    def __init__(self) -> None:
        self.posted: list[str] = []

    async def post(self, text: str) -> None:
        self.posted.append(text)


@pytest.fixture
def leads() -> LeadsRecorder:
    return LeadsRecorder()


@pytest.fixture
async def csat_bot(
    database_url: str, tmp_path: Path, leads: LeadsRecorder
) -> AsyncIterator[BotTester]:
    upgrade(database_url)
    settings = load_settings(
        None,
        data_dir=str(tmp_path),
        database_url=database_url,
        roles={"lead": {"members": ["lina"]}},
    )
    async with BotTester.demo(
        commands=[COMMANDS], settings=settings, user=ANI, outlets=Outlets(leads=leads)
    ) as tester:
        yield tester


async def _closed(bot: BotTester) -> str:
    logged = await bot.run("/log M-10001")
    ref = (logged.text or "").split()[1]
    await bot.run("/merchant M-10001")
    await bot.run("/done")
    return ref


async def test_a_rating_is_stored_once_and_a_second_is_refused(csat_bot: BotTester) -> None:
    ref = await _closed(csat_bot)
    reply = await csat_bot.run(f"/csat {ref.lower()} 5")
    assert reply.outcome is Outcome.OK and f"rated {ref} 5/5" in (reply.text or "")
    again = await csat_bot.run(f"/csat {ref} 1", user=BUDI)
    assert again.outcome is Outcome.REJECTED
    assert "already rated 5/5" in (again.text or "") and ANI.id in (again.text or "")
    stored = await csat_bot.bot.store.record.interaction(ref)  # type: ignore[union-attr]
    assert stored is not None and (stored.csat, stored.csat_by) == (5, ANI.id)


async def test_the_close_offers_the_five_ratings_and_a_pick_records_it(
    csat_bot: BotTester,
) -> None:
    logged = await csat_bot.run("/log M-10001")
    ref = (logged.text or "").split()[1]
    closed = await csat_bot.run("/done")
    assert [c.label for c in closed.choices] == ["1 bad", "2 poor", "3 okay", "4 good", "5 great"]
    assert [c.command for c in closed.choices] == [f"/csat {ref} {n}" for n in range(1, 6)]
    assert f"/csat {ref} <1-5>" in (closed.text or "")  # what to type when it comes later
    picked = await csat_bot.run(closed.choices[3].command)
    assert picked.outcome is Outcome.OK
    stored = await csat_bot.bot.store.record.interaction(ref)  # type: ignore[union-attr]
    assert stored is not None and stored.csat == 4


async def test_a_low_rating_tells_the_leads_and_a_good_one_does_not(
    csat_bot: BotTester, leads: LeadsRecorder
) -> None:
    good = await _closed(csat_bot)
    await csat_bot.run(f"/csat {good} 4")
    assert leads.posted == []
    low = await _closed(csat_bot)
    reply = await csat_bot.run(f"/csat {low} 2")
    assert "leads were told" in (reply.text or "")
    assert len(leads.posted) == 1 and low in leads.posted[0] and "2/5" in leads.posted[0]
    assert "ani" in leads.posted[0]


async def test_the_clocks_are_recorded_on_the_way(csat_bot: BotTester) -> None:
    ref = await _closed(csat_bot)
    stored = await csat_bot.bot.store.record.interaction(ref)  # type: ignore[union-attr]
    assert stored is not None and stored.first_reply_at is not None
    assert stored.first_response_due_at is not None and stored.resolution_due_at is not None
    assert stored.sla_first_response in {"met", "breached"}
    assert stored.sla_resolution in {"met", "breached"}
    assert stored.first_response_s is not None and stored.resolution_s is not None


async def test_an_open_interaction_cannot_be_rated_yet(csat_bot: BotTester) -> None:
    logged = await csat_bot.run("/log M-10001")
    ref = (logged.text or "").split()[1]
    reply = await csat_bot.run(f"/csat {ref} 3")
    assert reply.outcome is Outcome.REJECTED and "still open" in (reply.text or "")


async def test_an_unknown_interaction_is_named(csat_bot: BotTester) -> None:
    reply = await csat_bot.run("/csat I-ZZZZZZ 3")
    assert reply.outcome is Outcome.REJECTED and "no interaction I-ZZZZZZ" in (reply.text or "")


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("/csat", "<interaction> is missing"),
        ("/csat I-7K3QX2", "<score> is missing"),
        ("/csat I-7K3QX2 0", "'0' is not a rating"),
        ("/csat I-7K3QX2 6", "'6' is not a rating"),
        ("/csat I-7K3QX2 4.5", "'4.5' is not a rating"),
        ("/csat I-7K3QX2 ٤", "is not a rating"),  # an Arabic-Indic four
        ("/csat I-7K3QX2 " + "9" * 3000, "is not a rating"),
        ("/csat M-10001 4", "'M-10001' is not an interaction id"),
        ("/csat 'Robert\"); DROP TABLE record_interactions;--' 4", "is not an interaction id"),
        ("/csat I-7K3QX2\u202e 4", "no interaction I-7K3QX2"),  # the override is dropped
        ("/csat 😀 5", "'😀' is not an interaction id"),
    ],
)
async def test_bad_input_names_what_was_typed(module_bot: BotTester, text: str, named: str) -> None:
    reply = await module_bot.run(text)
    assert reply.outcome is Outcome.REJECTED
    assert named in (reply.text or "")
    assert "Traceback" not in (reply.text or "")
    assert len(reply.text or "") < 1000


async def test_any_agent_may_record_and_a_lead_too(csat_bot: BotTester) -> None:
    first, second = await _closed(csat_bot), await _closed(csat_bot)
    assert (await csat_bot.run(f"/csat {first} 3", user=BUDI)).outcome is Outcome.OK
    assert (await csat_bot.run(f"/csat {second} 3", user=LINA)).outcome is Outcome.OK
