"""Slack users are resolved once (name, email, groups) and cached; failures never block."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from supportbot.slack import UserDirectory
from supportbot.slack.testing import FakeSlack


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack.start() as fake:
        fake.add_user("U1", "rina", real_name="Rina Wijaya", email="rina@example.id")
        fake.add_group("S1", "support-weekend", ["U1", "U2"])
        yield fake


@pytest.fixture
async def client(slack: FakeSlack) -> AsyncIterator[AsyncWebClient]:
    async with aiohttp.ClientSession() as session:
        yield AsyncWebClient(token=slack.bot_token, base_url=slack.api_url, session=session)


async def test_a_user_is_resolved_with_name_email_and_groups(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    users = UserDirectory(client)
    user = await users.resolve("U1")
    assert (user.id, user.name, user.email) == ("U1", "rina", "rina@example.id")
    assert user.groups == frozenset({"S1", "support-weekend"})


async def test_the_lookup_is_cached(slack: FakeSlack, client: AsyncWebClient) -> None:
    users = UserDirectory(client)
    for _ in range(3):
        await users.resolve("U1")
    assert len(slack.calls_to("users.info")) == 1
    assert len(slack.calls_to("usergroups.list")) == 1


async def test_an_unknown_user_falls_back_to_the_payloads_name(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    user = await UserDirectory(client).resolve("U404", fallback_name="ghost")
    assert (user.id, user.name, user.email) == ("U404", "ghost", None)


async def test_a_refused_token_does_not_block_the_command(slack: FakeSlack) -> None:
    async with aiohttp.ClientSession() as session:
        client = AsyncWebClient(token="xoxb-wrong", base_url=slack.api_url, session=session)
        user = await UserDirectory(client).resolve("U1", fallback_name="rina")
    assert user.id == "U1" and user.email is None
