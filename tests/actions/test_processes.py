"""Actions across processes: replicas confirming at once on one database, and a bot killed
between an action's intent and its outcome. Real processes, real sample services over loopback."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import update

from supportbot import Message, Outcome, User
from supportbot.core.settings import ServiceSettings, load_settings
from supportbot.dispatch.bot import open_bot
from supportbot.sample import run_sample_services
from supportbot.storage import ActionRun, create_store, upgrade

ROOT = Path(__file__).resolve().parents[2]
AGENT = User(id="terminal:agent", name="agent")


def _settings(data_dir: Path, database_url: str, urls: dict[str, str]) -> Any:
    return load_settings(
        None,
        data_dir=str(data_dir),
        database_url=database_url,
        services={name: ServiceSettings(base_url=url) for name, url in urls.items()},
        command_folders=[str(ROOT / "commands")],
        load_entry_points=False,
    )


def _confirm_in_a_replica(
    settings_json: str, token: str, ready: Any, start: Any, results: Any, name: str
) -> None:
    """One bot process: open the bot on the shared database, say so, wait for the signal,
    confirm."""
    from supportbot.core.settings import Settings

    settings = Settings.model_validate_json(settings_json)

    async def run() -> str:
        async with open_bot(settings) as bot:
            ready.put(name)
            start.wait(30)
            reply = await bot.actions.confirm(token, AGENT)
            return f"{reply.outcome.value}|{reply.text}"

    results[name] = asyncio.run(run())


async def test_two_replicas_confirming_at_once_resend_once(
    database_url: str, tmp_path: Path
) -> None:
    upgrade(database_url)  # what `supportbot db upgrade` does on deploy
    async with run_sample_services() as sample:
        settings = _settings(tmp_path, database_url, sample.urls)
        async with open_bot(settings) as bot:
            asked = await bot.handle(Message(text="/resend-receipt TX-1042", user=AGENT))
        assert asked.outcome is Outcome.PENDING and asked.confirmation is not None
        # Each replica a process of its own, sharing nothing with this one: forked from a
        # server process that imported the bot once (a fresh interpreter each costs 1.5 s).
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])
        with context.Manager() as manager:
            ready, start, results = manager.Queue(), manager.Event(), manager.dict()
            token = asked.confirmation.token
            replicas = [
                context.Process(
                    target=_confirm_in_a_replica,
                    args=(settings.model_dump_json(), token, ready, start, results, n),
                )
                for n in ("a", "b")
            ]
            for replica in replicas:
                replica.start()
            for _ in replicas:  # both have opened the bot and wait for the signal
                await asyncio.to_thread(ready.get, True, 60)
            start.set()
            await asyncio.to_thread(lambda: [r.join(60) for r in replicas])
            answers = dict(results)
        assert [r.exitcode for r in replicas] == [0, 0]
        assert len(sample.resends("TX-1042")) == 1  # exactly one call reached the service
        texts = sorted(answers.values())
        assert sum("was resent to" in t and "Already" not in t for t in texts) == 1, texts


def _exec(data_dir: Path, config: Path, text: str, *, yes: bool = True) -> subprocess.Popen[str]:
    env = {**os.environ, "SUPPORTBOT_CONFIG": str(config), "SUPPORTBOT_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "supportbot", "exec", *(["--yes"] if yes else []), text]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def test_a_bot_killed_mid_action_leaves_outcome_unknown_and_the_retry_does_not_double(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    url = f"sqlite:///{data_dir / 'supportbot.db'}"
    async with run_sample_services() as sample:
        services = "\n".join(
            f'[services.{name}]\nbase_url = "{address}"\nretries = 0\n'
            for name, address in sample.urls.items()
        )
        config = tmp_path / "supportbot.toml"
        config.write_text(
            textwrap.dedent(
                f"""\
                command_timeout_s = 2
                command_folders = ["{ROOT / "commands"}"]
                load_entry_points = false
                """
            )
            + services,
            encoding="utf-8",
        )
        # The receipts service takes 1.5 s: the bot is killed while the resend is under way.
        sample.set_latency(1500, "receipts")
        first = _exec(data_dir, config, "/resend-receipt TX-1042")
        store = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if store is None and (data_dir / "supportbot.db").exists():
                store = create_store(url)
            if store is not None:
                try:
                    runs = await store.actions.runs(limit=5)
                except Exception:  # the schema is still being created
                    runs = []
                if runs and sample.received("receipts"):  # under way, not only meant
                    break
            await asyncio.sleep(0.05)
        assert store is not None and runs, "the intent was never committed"
        assert sample.received("receipts") == 1, "the resend never reached the service"
        assert runs[0].state == "running"
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=10)
        await asyncio.sleep(1.6)  # the service finishes the resend the dead bot asked for
        assert len(sample.resends("TX-1042")) == 1
        [run] = await store.actions.runs(limit=5)
        assert run.state == "running" and run.finished_at is None  # intent, no outcome
        # Once the dead run's lease is over (7 s after it began: the 2 s deadline and a 5 s
        # margin), the record says so. The lease is ended now rather than waited out.
        assert not run.outcome_unknown  # still within its lease
        async with store.sessions.begin() as session:
            await session.execute(
                update(ActionRun).values(lease_until=datetime.now(UTC) - timedelta(seconds=1))
            )
        assert (await store.actions.runs(limit=5))[0].outcome_unknown
        sample.set_latency(0, "receipts")
        again = _exec(data_dir, config, "/resend-receipt TX-1042")
        out, err = await asyncio.to_thread(again.communicate, timeout=60)
        assert again.returncode == 0, err
        assert "outcome is unknown" in out  # the person retrying is told
        assert "was already resent" in out  # the service answered the same key with the first
        assert len(sample.resends("TX-1042")) == 1  # not doubled
        [run] = await store.actions.runs(limit=5)
        assert run.status == "done" and run.attempts == 2
        await store.close()
