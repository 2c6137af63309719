"""A bot on the sample services, behind the Slack adapter, talking to a fake Slack on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest

from supportbot import Settings, load_settings
from supportbot.dispatch.bot import Bot, open_bot
from supportbot.slack import SLACK_TABLE, SlackAdapter, open_slack, serve_http
from supportbot.slack.testing import FakeSlack, SlackSender, SlackSigner
from supportbot.testing import BotTester

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
        return load_settings(self.config, tables=[SLACK_TABLE], **self.values)

    def open_bot(self, settings: Settings, *, demo: bool) -> AbstractAsyncContextManager[Bot]:
        assert not demo, "in-process runs use the configured services"
        return open_bot(settings)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack.start() as fake:
        fake.add_user(AGENT, "rina", real_name="Rina Wijaya", email="rina@example.id")
        fake.add_user(OTHER, "budi", real_name="Budi", email="budi@example.id")
        fake.add_group("S0WEEKEND", "support-weekend", [AGENT])
        yield fake


@pytest.fixture
async def tester() -> AsyncIterator[BotTester]:
    async with BotTester.demo(commands=[COMMANDS]) as bot:
        yield bot


@pytest.fixture
async def adapter(slack: FakeSlack, tester: BotTester) -> AsyncIterator[SlackAdapter]:
    async with open_slack(
        tester.bot,
        bot_token=slack.bot_token,
        signing_secret=SIGNING_SECRET,
        api_url=slack.api_url,
    ) as slack_adapter:
        yield slack_adapter


@pytest.fixture
async def http_url(adapter: SlackAdapter) -> AsyncIterator[str]:
    async with serve_http(adapter, host="127.0.0.1", port=0) as url:
        yield url


@pytest.fixture
async def sender(http_url: str) -> AsyncIterator[SlackSender]:
    async with SlackSender(http_url, SlackSigner(SIGNING_SECRET)) as signed:
        yield signed
