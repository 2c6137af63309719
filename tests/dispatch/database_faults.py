"""A bot for the database fault tests: one lookup, one action, a short deadline, and ways to
time its answers and count its audit rows afterwards.

The bot is the real one (`BotTester.fake`: the whole chain, the real store on a real SQLite
file or PostgreSQL server, its spool in the data folder as in production); only the service the
lookup calls is faked. Every answer must arrive within the command's deadline (`DEADLINE_S`,
plus a loaded machine's margin), and every row acknowledged must be in the database, once,
after it is back.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from supportbot import Context, Outcome, Reply, Settings, command, load_settings
from supportbot.core.message import User
from supportbot.storage import Store
from supportbot.testing import BotTester

#: The command deadline of the bot under test: short, so the tests wait little.
DEADLINE_S = 2.0
#: What a loaded 2-core machine may add to an answer that was ready within the deadline.
MARGIN_S = 0.6
AGENT = User(id="test:agent", name="agent")
#: The bundled commands of this checkout (for /status).
BUNDLED = Path(__file__).resolve().parents[2] / "commands"
#: What the action did, by reference: it must never run while the database cannot record it.
DONE: list[str] = []


@command("lookup", help="Look a record up")
async def lookup(ctx: Context, ref: str) -> Reply:
    """Calls the records service: a lookup, which needs no database but its audit row."""
    result = await ctx.call(ctx.services.records.get(f"/records/{ref}"))
    return Reply(text=f"record {ref}: {result.data['state'] if result.ok else 'unknown'}")


@command("zap", confirm="Zap {ref}?")
async def zap(ctx: Context, ref: str) -> Reply:
    """An action: its question and its intent must be committed before it runs."""
    DONE.append(ref)
    return Reply(text=f"zapped {ref}")


def fault_settings(data_dir: Path, database_url: str | None = None) -> Settings:
    """Settings with the data folder (and the spool) in `data_dir`, the SQLite file there
    unless `database_url` names another database, and the short deadline."""
    return load_settings(
        None,
        data_dir=str(data_dir),
        database_url=database_url or f"sqlite:///{data_dir / 'supportbot.db'}",
        command_timeout_s=DEADLINE_S,
        command_folders=[],
        # No snippet seed: it writes at start, and a connection opened before the fault keeps
        # writing through its open file when the file or folder turns read-only afterwards.
        knowledge={"seed_snippets": False},
    )


@asynccontextmanager
async def fault_bot(settings: Settings) -> AsyncIterator[BotTester]:
    """The bot under test on `settings` with the bundled commands (for /status), its records
    service answering R1."""
    DONE.clear()
    records = {"records": {"/records/R1": {"state": "active"}}}
    async with BotTester.fake(records, commands=[lookup, zap, BUNDLED], settings=settings) as bot:
        yield bot


def store_of(bot: BotTester) -> Store:
    """The bot's store."""
    assert bot.bot.store is not None
    return bot.bot.store


async def timed(bot: BotTester, text: str, **options: object) -> tuple[Reply, float]:
    """The answer to `text` and how long it took (seconds)."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    reply = await bot.run(text, user=AGENT, **options)  # type: ignore[arg-type]
    return reply, loop.time() - started


async def answered_in_time(bot: BotTester, text: str, **options: object) -> Reply:
    """The answer to `text`, which must come within the deadline."""
    reply, took = await timed(bot, text, **options)
    assert took < DEADLINE_S + MARGIN_S, f"{text} answered after {took:.2f} s"
    return reply


async def ask_zap(bot: BotTester) -> str:
    """Ask for /zap R1 while the database is fine: the question's token."""
    reply = await bot.run("/zap R1", user=AGENT)
    assert reply.outcome is Outcome.PENDING and reply.confirmation is not None, reply.text
    return reply.confirmation.token


def assert_refused(reply: Reply, command: str = "zap") -> None:
    """The answer says the action could not be recorded and that nothing was done."""
    assert reply.outcome is Outcome.ERROR, reply
    assert reply.text is not None
    assert reply.text.startswith(f"Could not record /{command}, so nothing was done"), reply.text


def assert_decision_refused(reply: Reply, decision: str = "confirm") -> None:
    """The answer to a click says it could not be recorded and that nothing was done."""
    assert reply.outcome is Outcome.ERROR, reply
    assert reply.text is not None
    expected = f"Could not record your {decision}, so nothing was done"
    assert reply.text.startswith(expected), reply.text


async def status_line(bot: BotTester) -> str:
    """The database line of /status (which must not count the database as passing)."""
    reply = await answered_in_time(bot, "/status")
    assert reply.text is not None and "database" in reply.text, reply.text
    [line] = [f for s in reply.sections for f in s.fields if f.label.endswith(" database")]
    assert line.label.startswith("🔴"), line
    return line.value


async def rows_by_command(store: Store) -> Counter[str | None]:
    """Audit rows by command; a request id twice fails (a row replayed twice)."""
    entries = await store.audit.query(limit=1_000_000)
    ids = [entry.request_id for entry in entries]
    assert len(ids) == len(set(ids)), "a row was written twice"
    return Counter(entry.command for entry in entries)
