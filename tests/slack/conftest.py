"""A bot on the sample services, behind the Slack adapter, talking to a fake Slack on 127.0.0.1.

Wired as in production: Slack is connected first, the bot is built with what the connection
lends it (escalations, requester notes, alerts), and the adapter joins the two.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from supportbot import Settings, load_settings
from supportbot.dispatch.bot import Bot, Outlets, open_bot
from supportbot.record.settings import RECORD_TABLE
from supportbot.record.stats_settings import STATS_TABLE
from supportbot.slack import (
    SLACK_TABLE,
    SlackAdapter,
    SlackConnection,
    connect_slack,
    open_slack,
    serve_http,
)
from supportbot.slack.testing import FakeSlack, SlackSender, SlackSigner
from supportbot.testing import BotTester

_APP_TABLES = [STATS_TABLE, RECORD_TABLE]

COMMANDS = Path(__file__).resolve().parents[2] / "commands"
SIGNING_SECRET = "8f742231b10e8888abcd99f1a2b3c4d5"
AGENT = "U0AGENT"
OTHER = "U0OTHER"


class Host:
    """A `SlackHost` for running the Slack subcommands in-process: the settings (the bundled
    commands, plus `values`), and a plain `open_bot` (the app's host adds the sample services
    and the metrics port; `tests/slack/test_slack_cli.py` runs that one)."""

    def __init__(self, config: Path | None = None, **values: Any) -> None:
        self.config = config
        # This checkout's commands, not the installed bundle (which may be another checkout's).
        self.values = {"command_folders": [str(COMMANDS)], "bundled_commands": False, **values}

    def settings(self) -> Settings:
        return load_settings(self.config, tables=[SLACK_TABLE, *_APP_TABLES], **self.values)

    def open_bot(
        self, settings: Settings, *, demo: bool, outlets: Outlets | None = None
    ) -> AbstractAsyncContextManager[Bot]:
        assert not demo, "in-process runs use the configured services"
        return open_bot(settings, outlets=outlets)


def bot_settings(folder: Path, *, slack: dict[str, Any] | None = None, **values: Any) -> Settings:
    """Settings for a test bot, its database in `folder`, with `values` set and the `[slack]`
    table's keys from `slack`."""
    database = f"sqlite:///{folder / 'supportbot.db'}"
    settings = load_settings(
        None,
        tables=[SLACK_TABLE, *_APP_TABLES],
        data_dir=str(folder),
        database_url=database,
        **values,
    )
    return settings.with_table("slack", slack) if slack else settings


@asynccontextmanager
async def slack_bot(
    slack: FakeSlack, settings: Settings, **demo: Any
) -> AsyncIterator[tuple[BotTester, SlackAdapter]]:
    """The whole wiring for settings of a test's own (an engineering channel, ...); `demo` goes
    to `BotTester.demo` (latency_ms, ...)."""
    async with connect_slack(settings, bot_token=slack.bot_token, api_url=slack.api_url) as link:
        async with BotTester.demo(
            commands=[COMMANDS], settings=settings, outlets=link.outlets(), **demo
        ) as tester:
            async with open_slack(tester.bot, link, signing_secret=SIGNING_SECRET) as adapter:
                yield tester, adapter


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack.start() as fake:
        fake.add_user(AGENT, "rina", real_name="Rina Wijaya", email="rina@example.id")
        fake.add_user(OTHER, "budi", real_name="Budi", email="budi@example.id")
        fake.add_group("S0WEEKEND", "support-weekend", [AGENT])
        yield fake


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return bot_settings(tmp_path)


@pytest.fixture
async def connection(slack: FakeSlack, settings: Settings) -> AsyncIterator[SlackConnection]:
    async with connect_slack(settings, bot_token=slack.bot_token, api_url=slack.api_url) as link:
        yield link


@pytest.fixture
async def tester(settings: Settings, connection: SlackConnection) -> AsyncIterator[BotTester]:
    outlets = connection.outlets()
    async with BotTester.demo(commands=[COMMANDS], settings=settings, outlets=outlets) as bot:
        yield bot


@pytest.fixture
async def adapter(tester: BotTester, connection: SlackConnection) -> AsyncIterator[SlackAdapter]:
    async with open_slack(tester.bot, connection, signing_secret=SIGNING_SECRET) as slack_adapter:
        yield slack_adapter


@pytest.fixture
async def http_url(adapter: SlackAdapter) -> AsyncIterator[str]:
    async with serve_http(adapter, host="127.0.0.1", port=0) as url:
        yield url


@pytest.fixture
async def sender(http_url: str) -> AsyncIterator[SlackSender]:
    async with SlackSender(http_url, SlackSigner(SIGNING_SECRET)) as signed:
        yield signed
