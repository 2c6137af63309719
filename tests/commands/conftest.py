"""Bundled commands run against the real sample services over loopback HTTP."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from supportbot import User, load_settings
from supportbot.storage import upgrade
from supportbot.testing import BotTester
from tests.conftest import POSTGRES_ENV, _in_ci, _postgres_schema_url

COMMANDS = Path(__file__).resolve().parents[2] / "commands"
#: People of the record tests: an agent, a lead (in these tests' roles), another agent.
ANI = User(id="terminal:ani", name="ani")
LINA = User(id="terminal:lina", name="lina")
BUDI = User(id="terminal:budi", name="budi")


@pytest.fixture
async def bot() -> AsyncIterator[BotTester]:
    async with BotTester.demo(commands=[COMMANDS]) as tester:
        yield tester


@pytest.fixture
async def record_bot(database_url: str, tmp_path: Path) -> AsyncIterator[BotTester]:
    """The demo bot on a database of the test's own (SQLite and PostgreSQL), run as ani;
    lina is a lead."""
    upgrade(database_url)
    settings = load_settings(
        None,
        data_dir=str(tmp_path),
        database_url=database_url,
        roles={"lead": {"members": ["lina"]}},
    )
    async with BotTester.demo(commands=[COMMANDS], settings=settings, user=ANI) as tester:
        yield tester


def record_items(reply: Any) -> list[str]:
    """The lines of a card's "Support record" section."""
    return [item for s in reply.sections if s.source == "record" for item in s.items]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def module_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`database_url` for a whole module (a module-scoped bot that many read-only or
    refused inputs share): a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'supportbot.db'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        if _in_ci():
            pytest.fail(f"CI is set but {POSTGRES_ENV} is not: run `. .ci/postgres.sh` first")
        pytest.skip(f"{POSTGRES_ENV} is not set (`. .ci/postgres.sh` starts a server)")
    with contextmanager(_postgres_schema_url)(base) as url:
        yield url
