"""Bundled commands run against the real sample services over loopback HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from supportbot import User, load_settings
from supportbot.storage import upgrade
from supportbot.testing import BotTester
from tests.conftest import DATABASES, empty_database

COMMANDS = Path(__file__).resolve().parents[2] / "commands"
#: People of the record tests: an agent, a lead (in these tests' roles), another agent.
ANI = User(id="terminal:ani", name="ani")
LINA = User(id="terminal:lina", name="lina")
BUDI = User(id="terminal:budi", name="budi")


@pytest.fixture
async def bot() -> AsyncIterator[BotTester]:
    async with BotTester.demo(commands=[COMMANDS]) as tester:
        yield tester


@asynccontextmanager
async def demo_on(
    database_url: str, data_dir: Path, *, leads: Sequence[str] = ("lina",)
) -> AsyncIterator[BotTester]:
    """The demo bot on `database_url` (migrated here), run as ani; `leads` are leads."""
    upgrade(database_url)
    settings = load_settings(
        None,
        data_dir=str(data_dir),
        database_url=database_url,
        roles={"lead": {"members": list(leads)}},
    )
    async with BotTester.demo(commands=[COMMANDS], settings=settings, user=ANI) as tester:
        yield tester


@pytest.fixture
async def record_bot(database_url: str, tmp_path: Path) -> AsyncIterator[BotTester]:
    """The demo bot on a database of the test's own (SQLite and PostgreSQL), run as ani;
    lina is a lead."""
    async with demo_on(database_url, tmp_path) as tester:
        yield tester


def record_items(reply: Any) -> list[str]:
    """The lines of a card's "Support record" section."""
    return [item for s in reply.sections if s.source == "record" for item in s.items]


@pytest.fixture(scope="module", params=DATABASES)
def module_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`database_url` for a whole module (a module-scoped bot that many read-only or
    refused inputs share): a new SQLite file, or a new PostgreSQL schema."""
    yield from empty_database(request.param, tmp_path_factory.mktemp("module-db"))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_bot(
    module_database: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[BotTester]:
    """`record_bot`, one for a whole module: for tests of inputs that are refused or change
    nothing the next one depends on (hostile input, help pages). Such tests are marked
    `@pytest.mark.asyncio(loop_scope="module")`, the bot's loop."""
    async with demo_on(module_database, tmp_path_factory.mktemp("module-data")) as tester:
        yield tester
