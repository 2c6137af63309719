"""PostgreSQL faults at the bot level, on a private throwaway server (the shared test server must
not be stopped): stopped mid-burst and restarted, and frozen with SIGSTOP. No command goes
unanswered or past its deadline, no action runs unrecorded, and every audit row of every
command run is in the database exactly once afterwards."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from supportbot import Outcome
from supportbot.storage import upgrade
from tests.dispatch.database_faults import (
    AGENT,
    DEADLINE_S,
    DONE,
    MARGIN_S,
    answered_in_time,
    ask_zap,
    assert_decision_refused,
    assert_refused,
    fault_bot,
    fault_settings,
    rows_by_command,
    status_line,
    store_of,
    timed,
)
from tests.storage.conftest import until_healthy
from tests.storage.faults import PrivateServer, server

pytestmark = pytest.mark.postgres
__all__ = ["server"]  # the private server fixture, shared with the storage tests


@pytest.fixture
def url(server: PrivateServer) -> str:
    """A new database on the private server, migrated (the bot insists on it)."""
    created = server.new_database()
    upgrade(created)
    return created


async def test_killed_mid_burst_every_command_is_answered_in_time_and_every_row_arrives_once(
    server: PrivateServer, url: str, tmp_path: Path
) -> None:
    async with fault_bot(fault_settings(tmp_path / "data", url)) as bot:
        store = store_of(bot)
        slowest = 0.0
        answered: list[Outcome] = []

        async def burst(worker: int) -> None:
            nonlocal slowest
            for _ in range(30):
                reply, took = await timed(bot, "/lookup R1")
                answered.append(reply.outcome)
                slowest = max(slowest, took)
                await asyncio.sleep(0.01)

        workers = asyncio.gather(*(burst(worker) for worker in range(20)))
        while len(answered) < 150:
            await asyncio.sleep(0.01)
        await asyncio.to_thread(server.stop)
        try:
            await asyncio.sleep(1.0)
            assert "PostgreSQL" in await status_line(bot)
            assert_refused(await answered_in_time(bot, "/zap R1"))
            escalated = await bot.bot.actions.escalate("0123456789ab", AGENT)
            assert escalated.outcome is Outcome.ERROR
            assert (escalated.text or "").startswith("Could not escalate 0123456789ab, so nothing")
        finally:
            await asyncio.to_thread(server.start)
        await workers
        assert answered == [Outcome.OK] * 600  # every lookup answered, none failed
        assert slowest < DEADLINE_S + MARGIN_S, slowest
        await until_healthy(store)
        rows = await rows_by_command(store)
        assert rows["lookup"] == 600 and rows["zap"] == 1 and rows["status"] == 1, rows
        assert DONE == []
        token = await ask_zap(bot)  # back: actions run again
        assert (await bot.bot.actions.confirm(token, AGENT, adapter="test")).text == "zapped R1"


async def test_a_frozen_server_never_holds_an_answer_past_the_deadline(
    server: PrivateServer, url: str, tmp_path: Path
) -> None:
    async with fault_bot(fault_settings(tmp_path / "data", url)) as bot:
        store = store_of(bot)
        await bot.run("/lookup R1", user=AGENT)
        token = await ask_zap(bot)
        with server.frozen():
            # Before the write path has given the server up, and after. A run that ends before
            # its context exists (a usage error) keeps to the deadline too.
            usage = await answered_in_time(bot, "/lookup")
            assert usage.outcome is Outcome.REJECTED
            lookup = await answered_in_time(bot, "/lookup R1")
            assert lookup.outcome is Outcome.OK and lookup.text == "record R1: active"
            assert_refused(await answered_in_time(bot, "/zap R1"))
            assert_decision_refused(await bot.bot.actions.confirm(token, AGENT, adapter="test"))
            assert "PostgreSQL did not answer" in await status_line(bot)
            for _ in range(3):
                assert (await answered_in_time(bot, "/lookup R1")).outcome is Outcome.OK
            assert DONE == []
        await until_healthy(store, timeout=45)  # psycopg gives up a cancel after ~10 s
        rows = await rows_by_command(store)
        assert rows["lookup"] == 6 and rows["status"] == 1, rows
        assert rows["zap"] == 2 and rows[None] == 1, rows  # the question, the refused /zap;
        # the refused confirm, a decision not read from the database, names no command
        assert DONE == []
