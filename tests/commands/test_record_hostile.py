"""The record commands against hostile input: answered, never a crash.

On SQLite and PostgreSQL, against the real sample services."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from supportbot import Outcome
from supportbot.testing import BotTester

from .conftest import demo_on

#: One bot per database for the whole module: 252 inputs, each against the state the
#: inputs before it left (a bot per input spent ~60 s of the suite building bots).
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def record_bot(
    module_database: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[BotTester]:
    """The demo bot on the module's database, run as ani; lina is a lead."""
    async with demo_on(module_database, tmp_path_factory.mktemp("hostile-data")) as tester:
        yield tester


HOSTILE = [
    "",
    " ",
    "x" * 5000,
    "'; DROP TABLE record_notes; --",
    "ünïcødé 🙂 عربى",
    "\x00\x01\x1b[31m",
    "\u202etxet",
    "{question}",
    "%s %d",
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize(
    "template",
    [
        "/note M-10001 {}",
        "/note {} text",
        "/note retract {}",
        "/tag M-10001 +{}",
        "/tag {} +device/offline",
        "/tags {}",
        "/alias {} M-10001",
        "/alias 0813-5555-0001 {}",
        "/log {}",
        "/log M-10001 #{}",
        "/done {}",
        "/timeline M-10001 --since {}",
        "/timeline M-10001 --older {}",
        "/timeline {}",
    ],
)
async def test_hostile_input_is_answered_never_crashes(
    record_bot: BotTester, template: str, text: str
) -> None:
    reply = await record_bot.run(template.format(text), confirm=True)
    assert reply.outcome is not Outcome.ERROR, (template, text, reply.text)
    assert "Traceback" not in (reply.text or "")
    # Whatever it was, the tables are all still there and the bot still answers.
    assert (await record_bot.run("/timeline M-10001")).outcome is Outcome.OK
