"""Bundled commands run against the real sample services over loopback HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from supportbot.testing import BotTester

COMMANDS = Path(__file__).resolve().parents[2] / "commands"


@pytest.fixture
async def bot() -> AsyncIterator[BotTester]:
    async with BotTester.demo(commands=[COMMANDS]) as tester:
        yield tester
