"""Typed responses: a command declares the shape it needs; another shape is a clear failure."""

from __future__ import annotations

import pydantic
import pytest

from supportbot import Outcome
from supportbot.core import wording as messages
from supportbot.core.errors import ServiceBadResponse, ServiceNotFound
from supportbot.core.settings import ServiceSettings
from supportbot.services.clients import Services
from supportbot.testing import BotTester

from .conftest import ROOT, Backend


class Account(pydantic.BaseModel):
    plan: str
    balance_due: int


class Device(pydantic.BaseModel):
    serial: str


@pytest.fixture
async def billing(backend: Backend):
    async with Services({"billing": ServiceSettings(base_url=backend.url, retries=0)}) as s:
        yield s.billing


async def test_a_matching_answer_is_validated_into_the_model(backend: Backend, billing) -> None:
    backend.bodies["GET /accounts/M-10001"] = {"plan": "Pro", "balance_due": 0, "extra": "ignored"}
    result = await billing.get("/accounts/M-10001").expect(Account)
    assert result.ok and result.data == Account(plan="Pro", balance_due=0)


async def test_any_type_pydantic_validates_can_be_expected(backend: Backend, billing) -> None:
    backend.bodies["GET /devices"] = [{"serial": "EDC-1"}, {"serial": "EDC-2"}]
    result = await billing.get("/devices").expect(list[Device])
    assert [d.serial for d in result.data] == ["EDC-1", "EDC-2"]


async def test_another_shape_is_a_bad_response_naming_the_service(
    backend: Backend, billing
) -> None:
    backend.bodies["GET /accounts/M-10001"] = {"plan": 7, "balance_due": "0812-3456-7890"}
    result = await billing.get("/accounts/M-10001").expect(Account)
    assert not result.ok and result.data is None and result.status == 200
    assert isinstance(result.error, ServiceBadResponse) and result.error.kind == "bad_response"
    assert result.error.user_message == "billing answered in an unexpected shape"
    detail = str(result.error)
    assert "not a Account" in detail and "balance_due" in detail and "plan" in detail
    assert "0812" not in detail  # where and what, never the values: they may be personal


async def test_a_404_stays_an_answer_when_a_model_is_expected(backend: Backend, billing) -> None:
    backend.answer("GET /accounts/M-9", 404)
    result = await billing.get("/accounts/M-9").expect(Account)
    assert result.not_found and isinstance(result.error, ServiceNotFound)


async def test_a_wrong_shape_is_not_retried(backend: Backend) -> None:
    backend.bodies["GET /accounts/M-10001"] = {"unexpected": True}
    async with Services({"billing": ServiceSettings(base_url=backend.url)}) as s:
        result = await s.billing.get("/accounts/M-10001").expect(Account)
    assert not result.ok and backend.hits["GET /accounts/M-10001"] == 1


async def test_merchant_card_keeps_the_other_sections_when_billing_changes_shape() -> None:
    profile = {"id": "M-10001", "name": "Toko Satu", "phones": [], "status": "active"}
    responses = {
        "merchants": {"/merchants/M-10001": profile},
        "billing": {"/accounts/M-10001": {"plan": {"name": "Pro"}, "monthly_fee": "a lot"}},
        "devices": {"/merchants/M-10001/devices": {"devices": [{"serial": "EDC-9"}]}},
        "transactions": {"/merchants/M-10001/transactions": {"transactions": []}},
    }
    async with BotTester.fake(responses, commands=[ROOT / "commands"]) as bot:
        reply = await bot.run("/merchant M-10001")
        assert reply.outcome is Outcome.OK
        assert reply.title == "Toko Satu · M-10001"
        titles = [s.title for s in reply.sections]
        assert "Devices (1)" in titles and "Recent transactions" in titles
        assert not any((t or "").startswith("Billing") for t in titles)
        assert [(w.service, w.kind, w.text) for w in reply.warnings] == [
            ("billing", "bad_response", "billing answered in an unexpected shape")
        ]
        assert bot.bot.store is not None
        [record] = await bot.bot.store.audit.query()
        assert record.service_errors == [{"service": "billing", "kind": "bad_response"}]


async def test_a_search_of_another_shape_is_an_error_not_a_crash() -> None:
    responses = {
        "merchants": {"/merchants": {"merchants": "M-10001"}},
        "billing": {},
        "devices": {},
        "transactions": {},
    }
    async with BotTester.fake(responses, commands=[ROOT / "commands"]) as bot:
        reply = await bot.run("/merchant 0812-3456-7890")
    # The command's own answer, not the crash answer (a failed answer carries its reference).
    assert reply.outcome is Outcome.ERROR and reply.error_ref is not None
    assert reply.text != messages.handler_failed("merchant", reply.error_ref)
    assert [w.text for w in reply.warnings] == ["merchants answered in an unexpected shape"]


async def test_a_command_needing_an_unconfigured_service_names_it_and_the_config_key() -> None:
    async with BotTester.fake({}, commands=[ROOT / "commands"]) as bot:
        reply = await bot.run("/merchant M-10001")
    assert reply.outcome is Outcome.ERROR and reply.error_ref is not None
    assert reply.text != messages.handler_failed("merchant", reply.error_ref)
    assert "No service named 'merchants' is configured (configured: none)" in reply.text
    assert "[services.merchants]" in reply.text
