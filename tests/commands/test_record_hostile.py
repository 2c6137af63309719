"""The record commands against hostile input: answered, never a crash.

On SQLite and PostgreSQL, against the real sample services."""

from __future__ import annotations

import pytest

from supportbot import Outcome
from supportbot.testing import BotTester

#: One bot per database for the whole module: 252 inputs, each against the state the
#: inputs before it left (a bot per input spent ~60 s of the suite building bots).
pytestmark = pytest.mark.asyncio(loop_scope="module")


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
    module_bot: BotTester, template: str, text: str
) -> None:
    reply = await module_bot.run(template.format(text), confirm=True)
    assert reply.outcome is not Outcome.ERROR, (template, text, reply.text)
    assert "Traceback" not in (reply.text or "")
    # Whatever it was, the tables are all still there and the bot still answers.
    assert (await module_bot.run("/timeline M-10001")).outcome is Outcome.OK
