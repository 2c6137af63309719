"""Refunds on the sample transactions service: exactly once per Idempotency-Key, never too much."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from supportbot.sample import (
    DEMO_MERCHANT_ID,
    DEMO_TRANSACTION_ID,
    FAILED_TRANSACTION_ID,
    PENDING_TRANSACTION_ID,
    REFUNDED_TRANSACTION_ID,
    SampleServices,
    SampleServicesThread,
)

from .helpers import assert_error, url

PAID = 150_000  # DEMO_TRANSACTION_ID, settled
REASON = "Pelanggan ditagih dua kali"


async def refund(
    sample: SampleServices,
    client: httpx.AsyncClient,
    amount: Any = 50_000,
    reason: Any = REASON,
    *,
    tx_id: str = DEMO_TRANSACTION_ID,
    key: str | None = "refund-1",
) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key is not None else {}
    headers["Content-Type"] = "application/json"
    path = url(sample, "transactions", f"/transactions/{tx_id}/refunds")
    # Escaped to ASCII, so a lone surrogate (which UTF-8 cannot carry) goes out as \ud800.
    content = json.dumps({"amount": amount, "reason": reason}).encode()
    return await client.post(path, content=content, headers=headers)


async def post_raw(
    sample: SampleServices, client: httpx.AsyncClient, content: bytes, key: str = "refund-1"
) -> httpx.Response:
    path = url(sample, "transactions", f"/transactions/{DEMO_TRANSACTION_ID}/refunds")
    return await client.post(path, content=content, headers={"Idempotency-Key": key})


async def transaction(sample: SampleServices, client: httpx.AsyncClient) -> dict[str, Any]:
    path = url(sample, "transactions", f"/transactions/{DEMO_TRANSACTION_ID}")
    found: dict[str, Any] = (await client.get(path)).json()
    return found


# --- success and replays -------------------------------------------------------------------


async def test_a_partial_refund_is_made_and_leaves_the_payment_settled(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    response = await refund(sample, client)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body == {
        "refund_id": "RF-000001",
        "transaction_id": DEMO_TRANSACTION_ID,
        "amount": 50_000,
        "currency": "IDR",
        "reason": REASON,
        "refunded_total": 50_000,
        "remaining": 100_000,
        "at": body["at"],
        "replayed": False,
    }
    assert datetime.fromisoformat(body["at"]).utcoffset() == UTC.utcoffset(None)
    tx = await transaction(sample, client)
    assert tx["status"] == "settled" and tx["refunded_amount"] == 50_000
    assert [r["refund_id"] for r in sample.refunds(DEMO_TRANSACTION_ID)] == ["RF-000001"]
    listed = await client.get(
        url(sample, "transactions", f"/transactions/{DEMO_TRANSACTION_ID}/refunds")
    )
    assert listed.json()["transaction_id"] == DEMO_TRANSACTION_ID
    assert [r["refund_id"] for r in listed.json()["refunds"]] == ["RF-000001"]
    assert listed.json()["refunds"][0]["idempotency_key"] == "refund-1"


async def test_a_full_refund_flips_the_status_to_refunded(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    assert (await transaction(sample, client))["refunded_amount"] == 0
    response = await refund(sample, client, PAID)
    assert response.json()["refunded_total"] == PAID and response.json()["remaining"] == 0
    tx = await transaction(sample, client)
    assert tx["status"] == "refunded" and tx["refunded_amount"] == PAID
    recent = await client.get(
        url(sample, "transactions", f"/merchants/{DEMO_MERCHANT_ID}/transactions"),
        params={"limit": 50},
    )
    listed = {t["id"]: t for t in recent.json()["transactions"]}
    assert listed[DEMO_TRANSACTION_ID]["status"] == "refunded"
    again = await refund(sample, client, 1, key="refund-2")
    assert "already fully refunded" in assert_error(again, 409)
    assert len(sample.refunds()) == 1


async def test_partial_refunds_add_up_to_a_full_refund(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    first = (await refund(sample, client, 100_000, key="a")).json()
    second = (await refund(sample, client, 50_000, key="b")).json()
    assert (first["refunded_total"], first["remaining"]) == (100_000, 50_000)
    assert (second["refund_id"], second["refunded_total"], second["remaining"]) == (
        "RF-000002",
        PAID,
        0,
    )
    assert (await transaction(sample, client))["status"] == "refunded"


async def test_the_same_key_twice_refunds_once_and_replays_the_first_answer(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    first = await refund(sample, client)
    again = await refund(sample, client)
    assert first.status_code == again.status_code == 200
    assert again.json() == {**first.json(), "replayed": True}
    assert len(sample.refunds(DEMO_TRANSACTION_ID)) == 1
    assert (await transaction(sample, client))["refunded_amount"] == 50_000


async def test_a_retried_full_refund_replays_instead_of_409(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    # The retry of a refund whose answer was lost must not read "already refunded".
    first = await refund(sample, client, PAID)
    again = await refund(sample, client, PAID)
    assert again.status_code == 200 and again.json() == {**first.json(), "replayed": True}
    assert len(sample.refunds()) == 1


async def test_different_keys_refund_twice(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    await refund(sample, client, 10_000, key="one")
    await refund(sample, client, 10_000, key="two")
    assert [r["idempotency_key"] for r in sample.refunds(DEMO_TRANSACTION_ID)] == ["one", "two"]


async def test_concurrent_requests_with_one_key_refund_once(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    responses = await asyncio.gather(refund(sample, client), refund(sample, client))
    assert sorted(r.json()["replayed"] for r in responses) == [False, True]
    assert len(sample.refunds()) == 1
    sample.set_latency(50, "transactions")  # now all of them are in flight at once
    together = await asyncio.gather(*(refund(sample, client, key="k") for _ in range(6)))
    assert sorted(r.json()["replayed"] for r in together) == [False] + [True] * 5
    assert len(sample.refunds()) == 2
    assert (await transaction(sample, client))["refunded_amount"] == 100_000


async def test_concurrent_full_refunds_with_different_keys_refund_once(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    sample.set_latency(50, "transactions")
    together = await asyncio.gather(*(refund(sample, client, PAID, key=f"k{i}") for i in range(4)))
    assert sorted(r.status_code for r in together) == [200, 409, 409, 409]
    assert [r["amount"] for r in sample.refunds()] == [PAID]


async def test_a_key_reused_for_another_request_is_422_and_refunds_nothing(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    await refund(sample, client, key="k")
    message = assert_error(await refund(sample, client, 50_001, key="k"), 422)
    assert "already used" in message and "50000" in message
    assert_error(await refund(sample, client, reason="another reason", key="k"), 422)
    assert_error(await refund(sample, client, tx_id="TX-1039", key="k"), 422)
    assert_error(await refund(sample, client, tx_id="TX-999999999", key="k"), 422)
    assert len(sample.refunds()) == 1


async def test_a_refused_request_does_not_use_up_its_key(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    assert_error(await refund(sample, client, PAID + 1, key="k"), 422)
    fixed = await refund(sample, client, PAID, key="k")
    assert fixed.status_code == 200 and fixed.json()["replayed"] is False


# --- refusals ------------------------------------------------------------------------------


async def test_a_refund_without_an_idempotency_key_is_400(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    assert "Idempotency-Key" in assert_error(await refund(sample, client, key=None), 400)
    assert sample.refunds() == []


@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "tab\tkey"])
async def test_a_malformed_idempotency_key_is_400(
    sample: SampleServices, client: httpx.AsyncClient, key: str
) -> None:
    assert "Idempotency-Key" in assert_error(await refund(sample, client, key=key), 400)
    assert sample.refunds() == []


async def test_an_unknown_transaction_is_404(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    message = assert_error(await refund(sample, client, tx_id="TX-999999999"), 404)
    assert "TX-999999999" in message
    listed = await client.get(url(sample, "transactions", "/transactions/TX-999999999/refunds"))
    assert_error(listed, 404)
    assert sample.refunds() == []


@pytest.mark.parametrize(
    ("tx_id", "says"),
    [
        (FAILED_TRANSACTION_ID, "failed"),
        (PENDING_TRANSACTION_ID, "pending"),
        (REFUNDED_TRANSACTION_ID, "already fully refunded"),
    ],
)
async def test_a_payment_that_is_not_settled_is_409(
    sample: SampleServices, client: httpx.AsyncClient, tx_id: str, says: str
) -> None:
    message = assert_error(await refund(sample, client, 1_000, tx_id=tx_id), 409)
    assert tx_id in message and says in message
    assert sample.refunds() == []


async def test_more_than_is_left_to_refund_is_422(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    assert "Rp 150.000" in assert_error(await refund(sample, client, PAID + 1, key="a"), 422)
    await refund(sample, client, 100_000, key="b")
    message = assert_error(await refund(sample, client, 50_001, key="c"), 422)
    assert "Rp 50.000 left" in message and "Rp 100.000 refunded already" in message
    assert (await refund(sample, client, 50_000, key="d")).status_code == 200
    assert [r["amount"] for r in sample.refunds()] == [100_000, 50_000]


@pytest.mark.parametrize(
    "amount",
    ["10000", "", 10_000.0, 1e5, 0.5, -1, 0, -150_000, True, False, None, [10_000], {"v": 1}],
)
async def test_an_amount_that_is_not_a_whole_number_above_zero_is_422(
    sample: SampleServices, client: httpx.AsyncClient, amount: Any
) -> None:
    assert '"amount"' in assert_error(await refund(sample, client, amount), 422)
    assert sample.refunds() == []


@pytest.mark.parametrize("amount", [10**30, 2**63, 10**4000])
async def test_an_enormous_amount_is_422_and_shown_short(
    sample: SampleServices, client: httpx.AsyncClient, amount: int
) -> None:
    assert len(assert_error(await refund(sample, client, amount), 422)) < 300
    assert sample.refunds() == []


@pytest.mark.parametrize(
    "reason",
    [
        None,
        "",
        "   ",
        "x" * 501,
        "☕" * 501,
        42,
        ["charged twice"],
        "charged\x00twice",
        "charged\ntwice",
        "charged\x1b[31mtwice",
        "\ud800",
    ],
)
async def test_a_missing_empty_long_or_unprintable_reason_is_422(
    sample: SampleServices, client: httpx.AsyncClient, reason: Any
) -> None:
    message = assert_error(await refund(sample, client, reason=reason), 422)
    assert '"reason"' in message and "\x00" not in message and "\n" not in message
    assert sample.refunds() == []


@pytest.mark.parametrize(
    "reason", ["x" * 500, "金" * 500, "Barang rusak — pelanggan kecewa ☕ 金龙 Ñam", "  trimmed  "]
)
async def test_a_reason_of_up_to_500_printable_characters_is_kept(
    sample: SampleServices, client: httpx.AsyncClient, reason: str
) -> None:
    response = await refund(sample, client, reason=reason)
    assert response.status_code == 200 and response.json()["reason"] == reason.strip()
    assert sample.refunds()[0]["reason"] == reason.strip()


async def test_failures_happen_before_any_refund(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    sample.set_failure("transactions", "error")
    assert_error(await refund(sample, client), 500)
    assert sample.refunds() == []
    sample.set_failure("transactions", "ok")
    assert (await refund(sample, client)).json()["replayed"] is False


# --- hostile input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "status"),
    [
        (b"", 400),
        (b"   ", 400),
        (b"{not json", 400),
        (b"amount=50000&reason=x", 400),
        (b"[50000]", 400),
        (b"50000", 400),
        (b"null", 400),
        (b"\xff\xfe\x00", 400),
        (b"[" * 50_000, 400),
        (b'{"amount": ' + b"9" * 5_000 + b', "reason": "x"}', 400),  # past Python's int limit
        (b'{"amount": NaN, "reason": "x"}', 422),
        (b'{"amount": Infinity, "reason": "x"}', 422),
        (b'{"amount": 1e400, "reason": "x"}', 422),
        (b'{"reason": "x"}', 422),
        (b'{"amount": 1000}', 422),
        (json.dumps({"amount": 1000, "reason": "x" * 60_000}).encode(), 422),
        (json.dumps({"amount": 1000, "reason": "x" * 100_000}).encode(), 413),  # over 64 KiB
    ],
)
async def test_a_bad_refund_body_is_a_clear_4xx(
    sample: SampleServices, client: httpx.AsyncClient, content: bytes, status: int
) -> None:
    message = assert_error(await post_raw(sample, client, content), status)
    assert "Traceback" not in message and len(message) < 300
    assert sample.refunds() == []


@pytest.mark.parametrize(
    "tx_id", ["%00", "Ñ金☕", "..%2F..%2Fhealth", "TX-1042%00", "tx-1042", "TX-1042%0d%0aX:%201"]
)
async def test_hostile_transaction_ids_are_404(
    sample: SampleServices, client: httpx.AsyncClient, tx_id: str
) -> None:
    message = assert_error(await refund(sample, client, tx_id=tx_id), 404)
    assert "\x00" not in message and "\n" not in message
    assert sample.refunds() == []


def test_refunds_are_counted_from_another_thread() -> None:
    with SampleServicesThread() as services, httpx.Client(timeout=5) as client:
        path = f"{services.urls['transactions']}/transactions/{DEMO_TRANSACTION_ID}/refunds"
        for _ in range(2):
            client.post(
                path, json={"amount": 1_000, "reason": REASON}, headers={"Idempotency-Key": "k"}
            )
        assert [r["amount"] for r in services.refunds(DEMO_TRANSACTION_ID)] == [1_000]
