"""The framework sends the running action's idempotency key with every changing call."""

from __future__ import annotations

import asyncio

import httpx

from supportbot.core.settings import ServiceSettings
from supportbot.services.clients import Services
from supportbot.services.idempotency import action_key, current_action_key
from supportbot.services.retry import is_idempotent


def _services(seen: list[httpx.Request]) -> Services:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    settings = {"receipts": ServiceSettings(base_url="http://receipts.test")}
    return Services(settings, transport=httpx.MockTransport(answer))


async def test_a_changing_call_inside_an_action_carries_its_key() -> None:
    seen: list[httpx.Request] = []
    async with _services(seen) as services:
        with action_key("run-key-1"):
            await services.receipts.post("/receipts/TX-1/resend", json={})
            await services.receipts.delete("/receipts/TX-1")
            await services.receipts.get("/receipts/TX-1")
    assert [r.headers.get("Idempotency-Key") for r in seen] == ["run-key-1", "run-key-1", None]


async def test_outside_an_action_no_key_is_sent() -> None:
    seen: list[httpx.Request] = []
    async with _services(seen) as services:
        await services.receipts.post("/receipts/TX-1/resend", json={})
    assert "Idempotency-Key" not in seen[0].headers
    assert current_action_key() is None


async def test_a_key_the_command_set_itself_wins() -> None:
    seen: list[httpx.Request] = []
    async with _services(seen) as services:
        with action_key("run-key-1"):
            await services.receipts.post("/r", headers={"idempotency-key": "own"})
    assert seen[0].headers.get_list("Idempotency-Key") == ["own"]


async def test_calls_started_concurrently_inside_the_action_inherit_the_key() -> None:
    seen: list[httpx.Request] = []
    async with _services(seen) as services:
        with action_key("run-key-2"):
            await asyncio.gather(services.receipts.post("/a"), services.receipts.put("/b"))
    assert {r.headers.get("Idempotency-Key") for r in seen} == {"run-key-2"}


def test_a_post_inside_an_action_counts_as_idempotent_for_retries() -> None:
    assert not is_idempotent("POST", None)
    with action_key("run-key-3"):
        assert is_idempotent("POST", None)
    assert is_idempotent("GET", None)
