"""An action takes whatever the audit trail takes, on every database: one sanitising function
(NUL dropped, lengths cut) for every table, so a NUL in the text or a user name or channel id
far over its column's size never makes an action fail where the lookup's audit row passes."""

from __future__ import annotations

from pathlib import Path

from supportbot import Outcome, User
from supportbot.storage import upgrade
from tests.dispatch.database_faults import DONE, fault_bot, fault_settings, store_of

HOSTILE = User(id="U" + "7" * 300, name="ani\x00" + "n" * 400, email="ani@example.id")


async def test_an_action_with_hostile_values_runs_and_is_recorded(
    database_url: str, tmp_path: Path
) -> None:
    upgrade(database_url)
    channel = "C" + "0" * 300
    async with fault_bot(fault_settings(tmp_path / "data", database_url)) as bot:
        looked_up = await bot.run("/lookup R\x001", user=HOSTILE, channel=channel)
        assert looked_up.outcome is Outcome.OK
        done = await bot.run("/zap R\x001", user=HOSTILE, channel=channel, confirm=True)
        assert done.outcome is Outcome.OK, done.text
        assert DONE == ["R1"]
        store = store_of(bot)
        [run] = await store.actions.runs(limit=5)
        assert run.status == "done" and "\x00" not in (run.user_name or "")
        entries = await store.audit.query(limit=10)
        assert {entry.command for entry in entries} == {"lookup", "zap"}
