"""Per-service policy from the configuration: credentials, timeouts, validation."""

from __future__ import annotations

import asyncio
import base64

import httpx
import pytest

from supportbot import ConfigError
from supportbot.core.settings import ServiceSettings, load_settings
from supportbot.services.clients import Services
from supportbot.services.results import ServiceResult, current_deadline, gather


async def sent_headers(settings: ServiceSettings) -> httpx.Headers:
    seen: list[httpx.Headers] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers)
        return httpx.Response(200, json={})

    async with Services({"billing": settings}, transport=httpx.MockTransport(answer)) as s:
        assert (await s.billing.get("/x")).ok
    return seen[0]


@pytest.mark.parametrize(
    "options,header,value",
    [
        ({}, "Authorization", "Bearer s3cret"),
        ({"auth_scheme": "Token"}, "Authorization", "Token s3cret"),
        ({"auth_type": "header", "auth_header": "X-Api-Key"}, "X-Api-Key", "s3cret"),
        (
            {"auth_type": "basic"},
            "Authorization",
            "Basic " + base64.b64encode(b"s3cret").decode(),
        ),
    ],
)
async def test_each_kind_of_credential_is_sent_from_its_variable(
    monkeypatch: pytest.MonkeyPatch, options: dict[str, str], header: str, value: str
) -> None:
    monkeypatch.setenv("TEST_SERVICE_SECRET", "s3cret")
    settings = ServiceSettings(base_url="http://billing", auth_env="TEST_SERVICE_SECRET", **options)
    assert (await sent_headers(settings))[header] == value


async def test_basic_auth_takes_user_and_password_from_one_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TEST_LEDGER_CREDENTIALS", "bot:pa:ss")
    settings = ServiceSettings(
        base_url="http://ledger", auth_type="basic", auth_env="TEST_LEDGER_CREDENTIALS"
    )
    header = (await sent_headers(settings))["Authorization"]
    assert base64.b64decode(header.removeprefix("Basic ")) == b"bot:pa:ss"


def test_policy_keys_are_validated_with_the_file_and_key_named(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPORTBOT_SERVICES__BILLING__BASE_URL", "http://billing")
    monkeypatch.setenv("SUPPORTBOT_SERVICES__BILLING__BREAKER_ERROR_RATE", "1.5")
    monkeypatch.setenv("SUPPORTBOT_SERVICES__BILLING__AUTH_TYPE", "kerberos")
    with pytest.raises(ConfigError) as caught:
        load_settings(None, data_dir=str(tmp_path))
    message = str(caught.value)
    assert "SUPPORTBOT_SERVICES__BILLING__BREAKER_ERROR_RATE" in message
    assert "services.billing.auth_type" in message


def test_a_health_path_must_be_a_path() -> None:
    with pytest.raises(ValueError, match="must start with /"):
        ServiceSettings(base_url="http://billing", health_path="health")


async def test_a_nested_gather_keeps_the_earlier_deadline() -> None:
    seen: list[float | None] = []

    async def inner() -> ServiceResult[None]:
        seen.append(current_deadline())
        return ServiceResult.success("x", None)

    async def outer() -> ServiceResult[None]:
        await gather(inner(), timeout=60)
        return ServiceResult.success("x", None)

    loop = asyncio.get_running_loop()
    await gather(outer(), timeout=1.0)
    assert seen[0] is not None and seen[0] < loop.time() + 1.0
