"""Remote restarts on the sample devices service: exactly once per Idempotency-Key, over HTTP."""

from __future__ import annotations

import httpx
import pytest

from supportbot.sample import DEMO_MERCHANT_ID, SampleServices

from .helpers import assert_error, url

ONLINE = "EDC-A920-104233"
OFFLINE = "EDC-P2P-377120"


async def restart(
    sample: SampleServices,
    client: httpx.AsyncClient,
    serial: str = ONLINE,
    key: str | None = "restart-1",
    merchant_id: str = DEMO_MERCHANT_ID,
) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key is not None else {}
    path = url(sample, "devices", f"/merchants/{merchant_id}/devices/{serial}/restart")
    return await client.post(path, headers=headers)


async def test_an_online_reader_restarts_once_per_key(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    first = await restart(sample, client)
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["restart_id"] == "DR-000001" and body["serial"] == ONLINE
    assert body["replayed"] is False
    again = await restart(sample, client, serial=ONLINE.lower())  # the serial in any case
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert again.json()["restart_id"] == "DR-000001"
    [done] = sample.restarts(DEMO_MERCHANT_ID)
    assert done["idempotency_key"] == "restart-1"
    listed = await client.get(url(sample, "devices", f"/merchants/{DEMO_MERCHANT_ID}/restarts"))
    assert [r["restart_id"] for r in listed.json()["restarts"]] == ["DR-000001"]


async def test_another_key_is_another_restart(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    await restart(sample, client, key="a-key-1")
    await restart(sample, client, key="a-key-2")
    assert [r["restart_id"] for r in sample.restarts()] == ["DR-000001", "DR-000002"]


@pytest.mark.parametrize(
    ("serial", "merchant_id", "status", "says"),
    [
        (OFFLINE, DEMO_MERCHANT_ID, 409, "offline"),
        ("EDC-NOT-MINE", DEMO_MERCHANT_ID, 404, "not a device of M-10001"),
        (ONLINE, "M-99999", 404, "no merchant"),
        ("ÉDC-ünïcode-☕", DEMO_MERCHANT_ID, 404, "not a device"),
    ],
)
async def test_a_restart_that_cannot_happen_is_refused_and_changes_nothing(
    sample: SampleServices,
    client: httpx.AsyncClient,
    serial: str,
    merchant_id: str,
    status: int,
    says: str,
) -> None:
    message = assert_error(await restart(sample, client, serial, merchant_id=merchant_id), status)
    assert says in message
    assert sample.restarts() == []


async def test_a_restart_needs_a_key(sample: SampleServices, client: httpx.AsyncClient) -> None:
    assert "Idempotency-Key" in assert_error(await restart(sample, client, key=None), 400)
    assert sample.restarts() == []


async def test_a_key_reused_for_another_reader_is_refused(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    await restart(sample, client, key="same-key")
    other = await restart(sample, client, serial="EDC-ANY", key="same-key")
    # The replay check comes first: the key already answered a restart of another device.
    assert other.status_code == 422 and sample.restarts()[0]["serial"] == ONLINE
