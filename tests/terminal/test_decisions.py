"""An open shell is told what an approver decided about its user's requests, from any process.

Two bots on one database stand for two processes (the approver's and the requester's); the
last test runs the real thing: a `supportbot demo` shell and an `exec` in another process."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from supportbot import Reply, User, load_settings
from supportbot.core.render import render_text
from supportbot.storage import RunRecord, upgrade
from supportbot.terminal.decisions import DecisionWatcher
from supportbot.testing import BotTester
from tests.cli_process import run_supportbot

ROOT = Path(__file__).resolve().parents[2]
ANI = User(id="terminal:ani", name="ani")
BUDI = User(id="terminal:budi", name="budi")
LINA = User(id="terminal:lina", name="lina")


@asynccontextmanager
async def two_bots(database_url: str, tmp_path: Path) -> AsyncIterator[tuple[BotTester, BotTester]]:
    """(the requester's bot, the approver's bot): two bots on one database; lina is a lead."""
    upgrade(database_url)
    settings = load_settings(
        None,
        data_dir=str(tmp_path),
        database_url=database_url,
        roles={"lead": {"members": ["lina"]}},
    )
    commands = [ROOT / "commands"]
    async with BotTester.demo(commands=commands, settings=settings, user=ANI) as requesters:
        async with BotTester.demo(commands=commands, settings=settings, user=LINA) as approvers:
            yield requesters, approvers


async def sent_for_approval(bot: BotTester, user: User, merchant: str = "M-10001") -> str:
    reply = await bot.run(f"/reset-pin {merchant}", user=user, confirm=True)
    found = re.search(r"/approve ([A-Za-z0-9_-]+)", reply.text or "")
    assert found is not None, reply.text
    return found.group(1)


async def looks_until_told(watcher: DecisionWatcher, told: list[Reply], count: int) -> None:
    """Look until `count` notices in all were told, for at most 10 s: a decision or answer that
    missed its run's deadline on a loaded machine went to the spool, and reaches the database
    (and so the watcher) a moment later. Never more than `count`."""
    deadline = time.monotonic() + 10
    while len(told) < count and time.monotonic() < deadline:
        await watcher.check()
        if len(told) < count:
            await asyncio.sleep(0.05)
    assert len(told) == count, [render_text(reply) for reply in told]


def watcher_of(bot: BotTester, user: User) -> tuple[DecisionWatcher, list[Reply]]:
    told: list[Reply] = []
    ledger = bot.bot.actions.ledger
    assert ledger is not None
    return DecisionWatcher(ledger, user, told.append), told


async def test_a_rejection_is_told_once_with_its_reason(database_url: str, tmp_path: Path) -> None:
    async with two_bots(database_url, tmp_path) as (requesters, approvers):
        watcher, told = watcher_of(requesters, ANI)
        token = await sent_for_approval(requesters, ANI)
        assert await watcher.check() == 0  # nothing decided yet
        await approvers.run(f"/reject {token} wait for the bank's answer", user=LINA)
        await looks_until_told(watcher, told, 1)
        [notice] = told
        text = notice.text or ""
        assert "lina turned down your /reset-pin" in text
        assert "Reason: wait for the bank's answer" in text
        assert await watcher.check() == 0 and len(told) == 1


async def test_an_approval_is_told_with_the_actions_answer(
    database_url: str, tmp_path: Path
) -> None:
    async with two_bots(database_url, tmp_path) as (requesters, approvers):
        watcher, told = watcher_of(requesters, ANI)
        token = await sent_for_approval(requesters, ANI)
        await approvers.run(f"/approve {token}", user=LINA)
        await looks_until_told(watcher, told, 1)
        text = render_text(told[0])
        assert text.startswith("lina approved your /reset-pin. It ran once; the answer:")
        assert "The PIN of M-10001 was reset" in text
        assert "Approve" not in text  # the stored answer's buttons belonged to that moment


async def test_only_its_own_users_decisions_made_after_it_started_are_told(
    database_url: str, tmp_path: Path
) -> None:
    async with two_bots(database_url, tmp_path) as (requesters, approvers):
        earlier = await sent_for_approval(requesters, ANI)
        await approvers.run(f"/reject {earlier} decided before the shell opened", user=LINA)
        watcher, told = watcher_of(requesters, ANI)
        budis = await sent_for_approval(requesters, BUDI, "M-10004")
        await approvers.run(f"/reject {budis} not ani's", user=LINA)
        assert await watcher.check() == 0 and told == []


async def test_an_approval_whose_run_has_not_finished_is_told_when_it_has(
    database_url: str, tmp_path: Path
) -> None:
    async with two_bots(database_url, tmp_path) as (requesters, approvers):
        watcher, told = watcher_of(requesters, ANI)
        token = await sent_for_approval(requesters, ANI)
        ledger = approvers.bot.actions.ledger
        assert ledger is not None
        request = await ledger.get_pending(token)
        assert request is not None
        # The approver's process has approved it and its run has started, not finished.
        assert await ledger.decide(token, from_state="awaiting_approval", to_state="approved")
        now = datetime.now(UTC)
        run = RunRecord(
            idempotency_key=request.idempotency_key,
            fingerprint=request.fingerprint,
            command="reset-pin",
            user_id=ANI.id,
            request_id="r-approved",
            started_at=now,
            lease_until=now + timedelta(minutes=5),
        )
        assert (await ledger.claim_run(run)).won
        later = await sent_for_approval(requesters, ANI, "M-10004")
        await approvers.run(f"/reject {later} one at a time", user=LINA)
        await looks_until_told(watcher, told, 1)  # the rejection is not held up by the open run
        assert "one at a time" in (told[0].text or "")
        assert await watcher.check() == 0  # still running: not told yet
        answer = Reply(text="The PIN of M-10001 was reset.").model_dump(mode="json")
        await ledger.finish_run(
            request.idempotency_key,
            request_id="r-approved",
            state="done",
            outcome="ok",
            result=answer,
        )
        await looks_until_told(watcher, told, 2)
        assert (told[1].text or "").endswith("the answer:\nThe PIN of M-10001 was reset.")


def test_an_open_shell_is_told_a_decision_made_in_another_process(tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SUPPORTBOT_")}
    environment.update(SUPPORTBOT_DATA_DIR=str(tmp_path / "data"), PYTHONIOENCODING="utf-8")
    shell = subprocess.Popen(
        [sys.executable, "-m", "supportbot", "demo", "--as", "ani"],
        cwd=tmp_path,
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )
    assert shell.stdin is not None and shell.stdout is not None
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(shell.stdout.readline, "")))  # type: ignore[union-attr]
    reader.start()

    def wait_for(pattern: str, timeout: float = 30) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, "".join(lines))
            if found:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{pattern!r} never shown:\n{''.join(lines)}")

    try:
        shell.stdin.write("/reset-pin M-10001\ny\n")
        shell.stdin.flush()
        token = wait_for(r"/approve ([A-Za-z0-9_-]+)`").group(1)
        approved = run_supportbot(
            ["exec", "--demo", "--as", "lina", f"/approve {token}"], env=environment, cwd=tmp_path
        )
        assert approved.returncode == 0, approved.stdout + approved.stderr
        # Told while the shell waits at its prompt, without typing anything.
        wait_for(r"lina approved your /reset-pin\. It ran once; the answer:\n.*was reset", 10)
    finally:
        shell.stdin.close()
        shell.wait(timeout=30)
        reader.join(timeout=5)
        shell.stdout.close()
