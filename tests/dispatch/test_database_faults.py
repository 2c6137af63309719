"""SQLite faults at the bot level: the file deleted mid-run, the file or its folder read-only,
the disk full. In each the bot does not crash, lookups keep answering, an action is refused
with "could not record ... nothing was done" (never silence, never a traceback), /status fails
naming the problem and the rows waiting, and once the database is back every acknowledged row
is in it exactly once. Every answer comes within the command's deadline.
"""

from __future__ import annotations

from pathlib import Path

from supportbot import Outcome
from tests.dispatch.database_faults import (
    AGENT,
    DONE,
    answered_in_time,
    ask_zap,
    assert_decision_refused,
    assert_refused,
    fault_bot,
    fault_settings,
    rows_by_command,
    status_line,
    store_of,
)
from tests.storage.conftest import until_healthy
from tests.storage.faults import fill, read_only, small_disk


async def test_a_deleted_file_keeps_lookups_refuses_actions_and_a_restart_replays_the_spool(
    tmp_path: Path,
) -> None:
    settings = fault_settings(tmp_path / "data")
    database = tmp_path / "data" / "supportbot.db"
    async with fault_bot(settings) as bot:
        assert (await bot.run("/lookup R1", user=AGENT)).outcome is Outcome.OK
        token = await ask_zap(bot)
        database.unlink()
        for _ in range(5):
            reply = await answered_in_time(bot, "/lookup R1")
            assert reply.outcome is Outcome.OK and reply.text == "record R1: active"
        assert_refused(await answered_in_time(bot, "/zap R1"))
        assert_decision_refused(await bot.bot.actions.confirm(token, AGENT, adapter="test"))
        assert DONE == []
        line = await status_line(bot)
        assert f"the SQLite file {database} was deleted or replaced" in line, line
        assert "rows wait in the spool" in line, line
        assert not database.exists()  # nothing re-created an empty file in its place
    # The restart makes a new file and replays the spool into it: the outage's rows, once.
    async with fault_bot(settings) as bot:
        await until_healthy(store_of(bot))
        rows = await rows_by_command(store_of(bot))
    # 5 lookups, the refused /zap, the /status and the refused confirm (a decision not read
    # from the database names no command); the rows before the file was deleted went with it.
    assert rows["lookup"] == 5 and rows["zap"] == 1 and rows["status"] == 1, rows
    assert rows[None] == 1, rows


# Read-only: SQLite connections opened before keep writing through their open files (as does
# the kernel: a read-only remount is refused while files are open for writing), so the path
# turns read-only before the bot's first connection, once its start (migrations, the spool) is
# done: every connection it opens then meets the read-only file or folder.


async def test_a_read_only_file_keeps_lookups_refuses_actions_and_loses_no_row(
    tmp_path: Path,
) -> None:
    settings = fault_settings(tmp_path / "data")
    async with fault_bot(settings) as bot:
        store = store_of(bot)
        with read_only(tmp_path / "data" / "supportbot.db"):
            assert_refused(await answered_in_time(bot, "/zap R1"))  # found out by this one
            assert_refused(await answered_in_time(bot, "/zap R1"))  # refused before asking
            for _ in range(5):
                assert (await answered_in_time(bot, "/lookup R1")).outcome is Outcome.OK
            assert "the database is read-only" in await status_line(bot)
            assert DONE == []
        await until_healthy(store)
        rows = await rows_by_command(store)
        assert rows["lookup"] == 5 and rows["zap"] == 2 and rows["status"] == 1, rows
        token = await ask_zap(bot)  # writable again: actions work again
        done = await bot.bot.actions.confirm(token, AGENT, adapter="test")
        assert done.text == "zapped R1" and DONE == ["R1"]


async def test_a_read_only_folder_keeps_lookups_refuses_actions_and_loses_no_row(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    settings = fault_settings(folder)  # the spool is in this folder too (opened at start)
    async with fault_bot(settings) as bot:
        store = store_of(bot)
        with read_only(folder):
            for _ in range(5):
                assert (await answered_in_time(bot, "/lookup R1")).outcome is Outcome.OK
            assert_refused(await answered_in_time(bot, "/zap R1"))
            line = await status_line(bot)
            assert "read-only" in line and "in the spool" in line, line
            assert store.health().held_in_memory == 0  # the spool file was open already
            assert DONE == []
        await until_healthy(store)
        rows = await rows_by_command(store)
        assert rows["lookup"] == 5 and rows["zap"] == 1 and rows["status"] == 1, rows


async def test_a_full_disk_keeps_lookups_refuses_actions_and_every_row_arrives_once_freed(
    tmp_path: Path,
) -> None:
    with small_disk(tmp_path / "disk", size="16m") as disk:
        settings = fault_settings(disk)  # the database and the spool share the full disk
        async with fault_bot(settings) as bot:
            store = store_of(bot)
            await bot.run("/lookup R1", user=AGENT)
            filler = fill(disk)
            looked_up = 0
            while store.health().ok and looked_up < 400:  # until a write finds the disk full
                reply = await answered_in_time(bot, f"/lookup {'x' * 1500}")  # big audit rows
                assert reply.outcome is Outcome.OK
                looked_up += 1
            assert not store.health().ok, "the disk never filled up"
            for _ in range(5):
                assert (await answered_in_time(bot, "/lookup R1")).outcome is Outcome.OK
            assert_refused(await answered_in_time(bot, "/zap R1"))
            assert "the disk is full" in await status_line(bot)
            assert store.health().held_in_memory == 0  # the spool's reserve took them
            filler.unlink()
            await until_healthy(store)
            rows = await rows_by_command(store)
        assert rows["lookup"] == 1 + looked_up + 5 and rows["zap"] == 1, rows
        assert rows["status"] == 1 and DONE == []
