"""PIN resets on the sample merchants service: exactly once per Idempotency-Key, over real HTTP."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from supportbot.sample import (
    CLOSED_MERCHANT_ID,
    DEMO_MERCHANT_ID,
    DEMO_PHONE,
    SUSPENDED_MERCHANT_ID,
    TWO_PHONES_MERCHANT_ID,
    Merchant,
    SampleData,
    SampleServices,
    SampleServicesThread,
    sample_data,
)

from .helpers import assert_error, raw_status, url

DATA = sample_data()
DEMO_DEVICE = "EDC-A920-104233"
OMIT = object()  # no body at all


async def pin_reset(
    sample: SampleServices,
    client: httpx.AsyncClient,
    merchant_id: str = DEMO_MERCHANT_ID,
    key: str | None = "reset-1",
    body: Any = OMIT,
    content: bytes | None = None,
) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key is not None else {}
    path = url(sample, "merchants", f"/merchants/{merchant_id}/pin-reset")
    if content is not None:
        return await client.post(path, content=content, headers=headers)
    if body is OMIT:
        return await client.post(path, headers=headers)
    return await client.post(path, json=body, headers=headers)


# --- success and replays -------------------------------------------------------------------


async def test_a_pin_reset_sends_a_new_pin_by_sms_to_the_merchants_phone(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    response = await pin_reset(sample, client)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body == {
        "reset_id": "PR-000001",
        "merchant_id": DEMO_MERCHANT_ID,
        "device": None,
        "sent_to": DEMO_PHONE,
        "channel": "sms",
        "at": body["at"],
        "replayed": False,
    }
    assert datetime.fromisoformat(body["at"]).utcoffset() == UTC.utcoffset(None)
    assert [r["reset_id"] for r in sample.pin_resets(DEMO_MERCHANT_ID)] == ["PR-000001"]
    assert sample.pin_resets(DEMO_MERCHANT_ID)[0]["idempotency_key"] == "reset-1"
    listed = await client.get(url(sample, "merchants", f"/merchants/{DEMO_MERCHANT_ID}/pin-resets"))
    assert listed.json()["merchant_id"] == DEMO_MERCHANT_ID
    assert [r["reset_id"] for r in listed.json()["pin_resets"]] == ["PR-000001"]


async def test_a_device_pin_reset_names_the_device_as_the_data_spells_it(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    response = await pin_reset(sample, client, body={"device": f"  {DEMO_DEVICE.lower()} "})
    assert response.status_code == 200 and response.json()["device"] == DEMO_DEVICE
    assert sample.pin_resets()[0]["device"] == DEMO_DEVICE


async def test_the_pin_goes_to_the_first_phone_of_a_two_phone_merchant(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    response = await pin_reset(sample, client, merchant_id=TWO_PHONES_MERCHANT_ID, body={})
    assert response.json()["sent_to"] == DATA.merchants[TWO_PHONES_MERCHANT_ID]["phones"][0]


async def test_the_same_key_twice_resets_once_and_replays_the_first_answer(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    first = await pin_reset(sample, client, body={"device": DEMO_DEVICE})
    again = await pin_reset(sample, client, body={"device": DEMO_DEVICE.lower()})
    assert first.status_code == again.status_code == 200
    assert again.json() == {**first.json(), "replayed": True}
    assert len(sample.pin_resets(DEMO_MERCHANT_ID)) == 1


async def test_different_keys_reset_twice(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    await pin_reset(sample, client, key="one")
    await pin_reset(sample, client, key="two")
    resets = sample.pin_resets(DEMO_MERCHANT_ID)
    assert [(r["reset_id"], r["idempotency_key"]) for r in resets] == [
        ("PR-000001", "one"),
        ("PR-000002", "two"),
    ]


async def test_concurrent_requests_with_one_key_reset_once(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    responses = await asyncio.gather(pin_reset(sample, client), pin_reset(sample, client))
    assert sorted(r.json()["replayed"] for r in responses) == [False, True]
    assert len({r.json()["reset_id"] for r in responses}) == 1
    sample.set_latency(50, "merchants")  # now all of them are in flight at once
    together = await asyncio.gather(*(pin_reset(sample, client, key="k") for _ in range(6)))
    assert sorted(r.json()["replayed"] for r in together) == [False] + [True] * 5
    assert len(sample.pin_resets()) == 2


async def test_a_key_reused_for_another_request_is_422_and_resets_nothing(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    await pin_reset(sample, client, key="k")
    other_device = await pin_reset(sample, client, key="k", body={"device": DEMO_DEVICE})
    message = assert_error(other_device, 422)
    assert "already used" in message and DEMO_MERCHANT_ID in message
    assert_error(await pin_reset(sample, client, merchant_id=TWO_PHONES_MERCHANT_ID, key="k"), 422)
    assert_error(await pin_reset(sample, client, merchant_id="M-99999", key="k"), 422)
    assert len(sample.pin_resets()) == 1


async def test_a_key_is_scoped_to_its_operation(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    # The same key on a receipt resend is another operation's key: no conflict, no replay.
    receipts = url(sample, "receipts", "/receipts/TX-1042/resend")
    assert (await client.post(receipts, headers={"Idempotency-Key": "k"})).status_code == 202
    assert (await pin_reset(sample, client, key="k")).json()["replayed"] is False


async def test_a_refused_request_does_not_use_up_its_key(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    assert_error(await pin_reset(sample, client, key="k", body={"device": "EDC-NOPE-1"}), 422)
    fixed = await pin_reset(sample, client, key="k", body={"device": DEMO_DEVICE})
    assert fixed.status_code == 200 and fixed.json()["replayed"] is False


# --- refusals ------------------------------------------------------------------------------


async def test_a_pin_reset_without_an_idempotency_key_is_400(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    assert "Idempotency-Key" in assert_error(await pin_reset(sample, client, key=None), 400)
    assert sample.pin_resets() == []


@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "tab\tkey"])
async def test_a_malformed_idempotency_key_is_400(
    sample: SampleServices, client: httpx.AsyncClient, key: str
) -> None:
    assert "Idempotency-Key" in assert_error(await pin_reset(sample, client, key=key), 400)
    assert sample.pin_resets() == []


async def test_a_non_ascii_idempotency_key_is_400(sample: SampleServices) -> None:
    request = (
        f"POST /merchants/{DEMO_MERCHANT_ID}/pin-reset HTTP/1.1\r\nHost: x\r\n"
        "Idempotency-Key: kunci-☕\r\nContent-Length: 0\r\n\r\n"
    ).encode()
    assert await raw_status(sample.urls["merchants"], request) == 400
    assert sample.pin_resets() == []


async def test_an_unknown_merchant_is_404(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    assert "M-99999" in assert_error(await pin_reset(sample, client, merchant_id="M-99999"), 404)
    listed = await client.get(url(sample, "merchants", "/merchants/M-99999/pin-resets"))
    assert_error(listed, 404)
    assert sample.pin_resets() == []


async def test_a_suspended_merchant_is_409_and_gets_no_pin(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    response = await pin_reset(sample, client, merchant_id=SUSPENDED_MERCHANT_ID)
    assert assert_error(response, 409) == "merchant is suspended; PIN resets are blocked"
    assert sample.pin_resets() == []


async def test_a_closed_merchant_is_409_too(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    response = await pin_reset(sample, client, merchant_id=CLOSED_MERCHANT_ID)
    assert assert_error(response, 409) == "merchant is closed; PIN resets are blocked"


async def test_a_device_of_another_merchant_is_422(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    other = DATA.devices[TWO_PHONES_MERCHANT_ID][0]["serial"]
    message = assert_error(await pin_reset(sample, client, body={"device": other}), 422)
    assert other in message and DEMO_DEVICE in message  # says which devices it has
    assert sample.pin_resets() == []


async def test_a_merchant_without_a_phone_is_422() -> None:
    merchants = dict(DATA.merchants)
    merchants[DEMO_MERCHANT_ID] = Merchant(**{**DATA.merchants[DEMO_MERCHANT_ID], "phones": []})
    data = SampleData(merchants, DATA.accounts, DATA.devices, DATA.transactions)
    async with SampleServices(data=data) as sample, httpx.AsyncClient(timeout=5) as client:
        assert "no phone" in assert_error(await pin_reset(sample, client), 422)
        assert sample.pin_resets() == []


async def test_failures_happen_before_any_pin_reset(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    sample.set_failure("merchants", "error")
    assert_error(await pin_reset(sample, client), 500)
    assert sample.pin_resets() == []
    sample.set_failure("merchants", "ok")
    assert (await pin_reset(sample, client)).json()["replayed"] is False


# --- hostile input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "status"),
    [
        (b"{not json", 400),
        (b"device=EDC-A920-104233", 400),
        (b"[1, 2]", 400),
        (b'"EDC-A920-104233"', 400),
        (b"null", 400),
        (b"\xff\xfe\x00", 400),
        (b"[" * 50_000, 400),
        (b'{"device": 42}', 422),
        (b'{"device": true}', 422),
        (b'{"device": ["EDC-A920-104233"]}', 422),
        (b'{"device": {"serial": "EDC-A920-104233"}}', 422),
        (b'{"device": ""}', 422),
        (b'{"device": "EDC-A920-104233\\u0000"}', 422),
        (b'{"device": "EDC-A920\\n104233"}', 422),
        (b'{"device": "\\ud800"}', 422),
        (b'{"device": "EDC-\xe9\x87\x91\xe9\xbe\x99-\xe2\x98\x95"}', 422),  # "EDC-金龙-☕"
        (json.dumps({"device": "E" * 60_000}).encode(), 422),
        (json.dumps({"device": "E" * 100_000}).encode(), 413),  # over 64 KiB
    ],
)
async def test_a_bad_pin_reset_body_is_a_clear_4xx(
    sample: SampleServices, client: httpx.AsyncClient, content: bytes, status: int
) -> None:
    message = assert_error(await pin_reset(sample, client, content=content), status)
    assert "\x00" not in message and "\n" not in message and "Traceback" not in message
    assert sample.pin_resets() == []


@pytest.mark.parametrize(
    "merchant_id",
    ["%00", "Ñ金☕", "..%2F..%2Fhealth", "M-10001%00", "m-10001", "M-10001%0d%0aX:%201"],
)
async def test_hostile_merchant_ids_are_404(
    sample: SampleServices, client: httpx.AsyncClient, merchant_id: str
) -> None:
    message = assert_error(await pin_reset(sample, client, merchant_id=merchant_id), 404)
    assert "\x00" not in message and "\n" not in message
    assert sample.pin_resets() == []


def test_pin_resets_are_counted_from_another_thread() -> None:
    with SampleServicesThread() as services, httpx.Client(timeout=5) as client:
        path = f"{services.urls['merchants']}/merchants/{DEMO_MERCHANT_ID}/pin-reset"
        for _ in range(2):
            client.post(path, headers={"Idempotency-Key": "k"})
        assert [r["idempotency_key"] for r in services.pin_resets(DEMO_MERCHANT_ID)] == ["k"]
