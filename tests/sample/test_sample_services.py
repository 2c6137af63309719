"""The sample services over real HTTP on loopback: the contract the bundled commands rely on."""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import json
import os
import random
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import httpx
import phonenumbers
import pytest

import supportbot.sample as sample_package
from supportbot.sample import (
    CLOSED_MERCHANT_ID,
    DEMO_EMAIL,
    DEMO_MERCHANT_ID,
    DEMO_PHONE,
    DEMO_TRANSACTION_ID,
    FAILED_TRANSACTION_ID,
    NO_BILLING_MERCHANT_ID,
    NO_DEVICES_MERCHANT_ID,
    NO_EMAIL_TRANSACTION_ID,
    PAST_DUE_MERCHANT_ID,
    PENDING_TRANSACTION_ID,
    REFUNDED_TRANSACTION_ID,
    SERVICE_NAMES,
    SHARED_PHONE,
    SHARED_PHONE_MERCHANT_IDS,
    SUSPENDED_MERCHANT_ID,
    TWO_PHONES_MERCHANT_ID,
    UNICODE_MERCHANT_ID,
    UNICODE_MERCHANT_IDS,
    UNKNOWN_VALID_PHONE,
    SampleServices,
    SampleServicesThread,
    run_sample_services,
    sample_data,
    serve_forever,
)

from .helpers import assert_error, raw_status, url

DATA = sample_data()
ROOT = Path(__file__).resolve().parents[2]


def free_port_block(size: int) -> int:
    """A base port with `size` free ports above it (checked by binding them).

    The block is drawn below Linux's ephemeral range (32768 and up), so an outgoing connection
    from another test cannot take one of its ports between this check and the service binding it.
    """
    rng = random.Random()
    for _ in range(200):
        base = rng.randrange(20000, 32000 - size)
        held = []
        try:
            for port in range(base, base + size):
                sock = socket.socket()
                held.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in held:
                sock.close()
    raise RuntimeError("no block of free ports")


# --- the dataset -------------------------------------------------------------------------


def test_the_dataset_is_large_and_varied() -> None:
    merchants = DATA.merchants.values()
    assert len(DATA.merchants) >= 60
    assert len({m["city"] for m in merchants}) >= 7
    assert {"Jakarta Barat", "Bandung", "Surabaya", "Medan", "Makassar", "Denpasar"} <= {
        m["city"] for m in merchants
    }
    assert len({m["category"] for m in merchants}) >= 8
    assert {"active", "suspended", "closed"} == {m["status"] for m in merchants}
    assert {"verified", "pending", "rejected"} == {m["kyc"] for m in merchants}
    assert {"active", "past_due", "cancelled", "trial"} == {
        a["status"] for a in DATA.accounts.values()
    }
    assert {"settled", "pending", "failed", "refunded"} == {
        t["status"] for t in DATA.transactions.values()
    }
    assert {"delivered", "bounced", "not_sent"} == {
        t["receipt"]["status"] for t in DATA.transactions.values()
    }


def test_records_refer_to_each_other_consistently() -> None:
    assert set(DATA.devices) == set(DATA.merchants)
    assert set(DATA.accounts) <= set(DATA.merchants)
    assert all(tx["merchant_id"] in DATA.merchants for tx in DATA.transactions.values())
    assert all(tx_id == tx["id"] for tx_id, tx in DATA.transactions.items())
    serials = [d["serial"] for devices in DATA.devices.values() for d in devices]
    assert len(serials) == len(set(serials)) and all(s.startswith("EDC-") for s in serials)
    for tx in DATA.transactions.values():
        assert isinstance(tx["amount"], int) and tx["amount"] > 0 and tx["currency"] == "IDR"
        assert datetime.fromisoformat(tx["created_at"]).tzinfo is not None
        if tx["status"] in ("failed", "pending"):
            assert tx["receipt"]["status"] == "not_sent"


def test_every_phone_number_is_a_valid_indonesian_number() -> None:
    phones = [p for m in DATA.merchants.values() for p in m["phones"]]
    phones += [t["customer_phone"] for t in DATA.transactions.values() if t["customer_phone"]]
    phones += [DEMO_PHONE, SHARED_PHONE, UNKNOWN_VALID_PHONE]
    for phone in phones:
        parsed = phonenumbers.parse(phone, None)
        assert phonenumbers.is_valid_number_for_region(parsed, "ID"), phone
        assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == phone


def test_the_dataset_is_the_same_in_every_process() -> None:
    script = (
        "import hashlib, json; from supportbot.sample import sample_data; d = sample_data(); "
        "print(hashlib.sha256(json.dumps([d.merchants, d.accounts, d.devices, d.transactions], "
        "sort_keys=True).encode()).hexdigest())"
    )
    here = hashlib.sha256(
        json.dumps(
            [DATA.merchants, DATA.accounts, DATA.devices, DATA.transactions], sort_keys=True
        ).encode()
    ).hexdigest()
    for hash_seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            cwd=ROOT,
        )
        assert result.stdout.strip() == here


def test_the_documented_edge_cases_exist() -> None:
    assert DATA.merchants[SUSPENDED_MERCHANT_ID]["status"] == "suspended"
    assert DATA.merchants[SUSPENDED_MERCHANT_ID]["status_reason"]
    assert DATA.merchants[CLOSED_MERCHANT_ID]["status"] == "closed"
    assert DATA.devices[NO_DEVICES_MERCHANT_ID] == []
    assert len(DATA.merchants[TWO_PHONES_MERCHANT_ID]["phones"]) == 2
    assert NO_BILLING_MERCHANT_ID not in DATA.accounts
    assert DATA.accounts[PAST_DUE_MERCHANT_ID]["status"] == "past_due"
    assert DATA.accounts[PAST_DUE_MERCHANT_ID]["balance_due"] > 0
    for merchant_id in UNICODE_MERCHANT_IDS:
        assert not DATA.merchants[merchant_id]["name"].isascii()
    assert DATA.merchants[UNICODE_MERCHANT_ID]["name"] == "Toko Emas 金龙"
    assert sorted(m["id"] for m in DATA.merchants_by_phone(SHARED_PHONE)) == sorted(
        SHARED_PHONE_MERCHANT_IDS
    )
    assert DATA.merchants_by_phone(UNKNOWN_VALID_PHONE) == []
    assert DATA.transactions[NO_EMAIL_TRANSACTION_ID]["customer_email"] is None
    assert DATA.transactions[FAILED_TRANSACTION_ID]["status"] == "failed"
    assert DATA.transactions[REFUNDED_TRANSACTION_ID]["status"] == "refunded"
    assert DATA.transactions[PENDING_TRANSACTION_ID]["status"] == "pending"


def test_refunded_amounts_match_the_status() -> None:
    for tx in DATA.transactions.values():
        full = tx["amount"] if tx["status"] == "refunded" else 0
        assert tx["refunded_amount"] == full, tx["id"]


def test_the_package_exports_exactly_its_all() -> None:
    public = {name for name in vars(sample_package) if not name.startswith("_")}
    assert set(sample_package.__all__) == public
    for name in sample_package.__all__:
        value = getattr(sample_package, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert value.__doc__, f"{name} has no docstring"


# --- merchants -----------------------------------------------------------------------------


async def test_the_demo_merchant_is_as_documented(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    response = await client.get(url(sample, "merchants", f"/merchants/{DEMO_MERCHANT_ID}"))
    assert response.status_code == 200
    merchant = response.json()
    assert merchant == {
        "id": "M-10001",
        "name": "Toko Sinar Jaya",
        "owner": "Budi Santoso",
        "phones": ["+6281234567890"],
        "email": "sinar@example.id",
        "category": "Grocery",
        "city": "Jakarta Barat",
        "address": merchant["address"],
        "status": "active",
        "status_reason": None,
        "kyc": "verified",
        "joined": "2021-03-14",
    }
    assert merchant["address"].startswith("Jl. ")


async def test_an_unknown_merchant_is_404(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    response = await client.get(url(sample, "merchants", "/merchants/M-99999"))
    assert "M-99999" in assert_error(response, 404)


@pytest.mark.parametrize("phone", [DEMO_PHONE, DEMO_PHONE.removeprefix("+")])
async def test_a_phone_finds_its_merchant(
    sample: SampleServices, client: httpx.AsyncClient, phone: str
) -> None:
    response = await client.get(url(sample, "merchants", "/merchants"), params={"phone": phone})
    assert [m["id"] for m in response.json()["merchants"]] == [DEMO_MERCHANT_ID]


async def test_an_unencoded_plus_in_the_phone_still_finds_the_merchant(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    # curl 'http://.../merchants?phone=+6281234567890': the "+" arrives as a space.
    response = await client.get(url(sample, "merchants", f"/merchants?phone={DEMO_PHONE}"))
    assert [m["id"] for m in response.json()["merchants"]] == [DEMO_MERCHANT_ID]


async def test_a_shared_phone_finds_both_merchants(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    response = await client.get(
        url(sample, "merchants", "/merchants"), params={"phone": SHARED_PHONE}
    )
    found = response.json()["merchants"]
    assert sorted(m["id"] for m in found) == sorted(SHARED_PHONE_MERCHANT_IDS)
    assert len({m["name"] for m in found}) == 2


async def test_either_phone_of_a_two_phone_merchant_finds_it(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    for phone in DATA.merchants[TWO_PHONES_MERCHANT_ID]["phones"]:
        response = await client.get(url(sample, "merchants", "/merchants"), params={"phone": phone})
        assert [m["id"] for m in response.json()["merchants"]] == [TWO_PHONES_MERCHANT_ID]


async def test_an_unknown_valid_phone_finds_nothing(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    response = await client.get(
        url(sample, "merchants", "/merchants"), params={"phone": UNKNOWN_VALID_PHONE}
    )
    assert response.status_code == 200 and response.json() == {"merchants": []}


async def test_email_search_ignores_case(sample: SampleServices, client: httpx.AsyncClient) -> None:
    response = await client.get(
        url(sample, "merchants", "/merchants"), params={"email": f"  {DEMO_EMAIL.upper()} "}
    )
    assert [m["id"] for m in response.json()["merchants"]] == [DEMO_MERCHANT_ID]


async def test_name_search_matches_every_word_in_any_order(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    response = await client.get(url(sample, "merchants", "/merchants"), params={"q": "JAYA sinar"})
    assert DEMO_MERCHANT_ID in [m["id"] for m in response.json()["merchants"]]


async def test_name_search_finds_unicode_names(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    for words, merchant_id in (
        ("金龙", UNICODE_MERCHANT_ID),
        ("☕", "M-10008"),
        ("ñam", "M-10009"),
    ):
        response = await client.get(url(sample, "merchants", "/merchants"), params={"q": words})
        assert [m["id"] for m in response.json()["merchants"]] == [merchant_id]


async def test_name_search_returns_at_most_20(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    response = await client.get(url(sample, "merchants", "/merchants"), params={"q": "a"})
    assert len(response.json()["merchants"]) == 20


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?phone=0812&email=a@example.id",
        "?phone=0812-3456-7890",
        "?phone=%2B62abc",
        "?phone=",
        "?email=not-an-email",
        "?email=",
        "?q=",
        "?q=%20%20",
        "?q=" + "x" * 101,
        "?unknown=1",
    ],
)
async def test_a_bad_search_is_400(
    sample: SampleServices, client: httpx.AsyncClient, query: str
) -> None:
    assert_error(await client.get(url(sample, "merchants", "/merchants" + query)), 400)


# --- billing, devices ------------------------------------------------------------------------


async def test_billing_of_the_demo_merchant(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    response = await client.get(url(sample, "billing", f"/accounts/{DEMO_MERCHANT_ID}"))
    assert response.json() == {
        "merchant_id": DEMO_MERCHANT_ID,
        "plan": "Pro",
        "status": "active",
        "currency": "IDR",
        "monthly_fee": 99000,
        "balance_due": 0,
        "next_invoice": "2026-12-01",
        "last_payment": {"date": "2026-11-01", "amount": 99000, "method": "Auto-debit BCA"},
    }


async def test_billing_edge_cases(sample: SampleServices, client: httpx.AsyncClient) -> None:
    assert_error(
        await client.get(url(sample, "billing", f"/accounts/{NO_BILLING_MERCHANT_ID}")), 404
    )
    assert_error(await client.get(url(sample, "billing", "/accounts/M-99999")), 404)
    past_due = (
        await client.get(url(sample, "billing", f"/accounts/{PAST_DUE_MERCHANT_ID}"))
    ).json()
    assert past_due["status"] == "past_due" and past_due["balance_due"] == 3 * 49000
    closed = (await client.get(url(sample, "billing", f"/accounts/{CLOSED_MERCHANT_ID}"))).json()
    assert closed["status"] == "cancelled" and closed["next_invoice"] is None


async def test_the_demo_merchant_has_one_online_and_one_offline_device(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    path = f"/merchants/{DEMO_MERCHANT_ID}/devices"
    body = (await client.get(url(sample, "devices", path))).json()
    assert body["merchant_id"] == DEMO_MERCHANT_ID
    assert sorted(d["status"] for d in body["devices"]) == ["offline", "online"]
    for device in body["devices"]:
        assert device["serial"].startswith("EDC-") and device["model"] and device["app_version"]
        assert datetime.fromisoformat(device["last_seen"]).tzinfo is not None


async def test_devices_edge_cases(sample: SampleServices, client: httpx.AsyncClient) -> None:
    path = f"/merchants/{NO_DEVICES_MERCHANT_ID}/devices"
    response = await client.get(url(sample, "devices", path))
    assert response.json() == {"merchant_id": NO_DEVICES_MERCHANT_ID, "devices": []}
    assert_error(await client.get(url(sample, "devices", "/merchants/M-99999/devices")), 404)


# --- transactions ----------------------------------------------------------------------------


async def test_the_demo_transaction_is_as_documented(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    response = await client.get(url(sample, "transactions", f"/transactions/{DEMO_TRANSACTION_ID}"))
    tx = response.json()
    assert {k: tx[k] for k in ("id", "merchant_id", "amount", "currency", "status", "method")} == {
        "id": "TX-1042",
        "merchant_id": "M-10001",
        "amount": 150000,
        "currency": "IDR",
        "status": "settled",
        "method": "QRIS",
    }
    assert tx["customer_email"] == "rina.customer@example.id"
    assert tx["receipt"]["status"] == "bounced"
    assert tx["receipt"]["sent_to"] == "rina.customer@example.id"
    assert datetime.fromisoformat(tx["created_at"]) < datetime.fromisoformat(
        tx["receipt"]["sent_at"]
    )


async def test_an_unknown_transaction_is_404(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    assert_error(await client.get(url(sample, "transactions", "/transactions/TX-999999999")), 404)


async def test_recent_transactions_are_newest_first_five_by_default(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    path = f"/merchants/{DEMO_MERCHANT_ID}/transactions"
    body = (await client.get(url(sample, "transactions", path))).json()
    assert body["merchant_id"] == DEMO_MERCHANT_ID
    times = [datetime.fromisoformat(tx["created_at"]) for tx in body["transactions"]]
    assert len(times) == 5 and times == sorted(times, reverse=True)
    every = (await client.get(url(sample, "transactions", path), params={"limit": 50})).json()
    ids = {tx["id"] for tx in every["transactions"]}
    assert len(ids) >= 6 and {DEMO_TRANSACTION_ID, FAILED_TRANSACTION_ID} <= ids
    assert any(tx["status"] == "failed" for tx in every["transactions"])


async def test_a_merchant_without_transactions_has_an_empty_list(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    path = f"/merchants/{NO_BILLING_MERCHANT_ID}/transactions"
    body = (await client.get(url(sample, "transactions", path))).json()
    assert body == {"merchant_id": NO_BILLING_MERCHANT_ID, "transactions": []}


@pytest.mark.parametrize("limit", ["0", "51", "-1", "abc", "5.0", "", "٣", "99999999999999999999"])
async def test_a_bad_limit_is_400(
    sample: SampleServices, client: httpx.AsyncClient, limit: str
) -> None:
    path = f"/merchants/{DEMO_MERCHANT_ID}/transactions"
    response = await client.get(url(sample, "transactions", path), params={"limit": limit})
    assert_error(response, 400)


async def test_recent_transactions_of_an_unknown_merchant_is_404(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    response = await client.get(url(sample, "transactions", "/merchants/M-99999/transactions"))
    assert_error(response, 404)


# --- receipts --------------------------------------------------------------------------------


async def resend(
    sample: SampleServices,
    client: httpx.AsyncClient,
    tx_id: str = DEMO_TRANSACTION_ID,
    key: str | None = None,
    **body: str,
) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key is not None else {}
    path = f"/receipts/{tx_id}/resend"
    return await client.post(url(sample, "receipts", path), json=body or None, headers=headers)


async def test_a_resend_goes_to_the_customer_email_and_is_recorded(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    response = await resend(sample, client)
    assert response.status_code == 202
    body = response.json()
    assert body["transaction_id"] == DEMO_TRANSACTION_ID
    assert body["sent_to"] == "rina.customer@example.id"
    assert body["replayed"] is False and body["resend_id"].startswith("RS-")
    assert datetime.fromisoformat(body["at"]).tzinfo is not None
    listed = (await client.get(url(sample, "receipts", f"/receipts/{DEMO_TRANSACTION_ID}"))).json()
    assert listed["transaction_id"] == DEMO_TRANSACTION_ID
    assert [r["resend_id"] for r in listed["resends"]] == [body["resend_id"]]
    assert [r["resend_id"] for r in sample.resends(DEMO_TRANSACTION_ID)] == [body["resend_id"]]


async def test_the_same_idempotency_key_twice_resends_once(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    first = await resend(sample, client, key="confirm-7f3a")
    again = await resend(sample, client, key="confirm-7f3a")
    assert first.status_code == again.status_code == 202
    assert again.json() == {**first.json(), "replayed": True}
    assert len(sample.resends(DEMO_TRANSACTION_ID)) == 1


async def test_different_keys_resend_twice(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    await resend(sample, client, key="one")
    await resend(sample, client, key="two")
    assert [r["idempotency_key"] for r in sample.resends(DEMO_TRANSACTION_ID)] == ["one", "two"]


async def test_concurrent_requests_with_one_key_resend_once(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    sample.set_latency(50, "receipts")  # all of them are in flight at once
    responses = await asyncio.gather(*(resend(sample, client, key="same") for _ in range(6)))
    assert sorted(r.json()["replayed"] for r in responses) == [False] + [True] * 5
    assert len(sample.resends()) == 1


async def test_a_key_reused_for_another_transaction_or_address_is_409(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    await resend(sample, client, key="k")
    assert_error(await resend(sample, client, tx_id="TX-1039", key="k"), 409)
    assert_error(await resend(sample, client, tx_id="TX-999999999", key="k"), 409)
    assert_error(await resend(sample, client, key="k", to="other@example.id"), 409)
    assert len(sample.resends()) == 1


async def test_a_refused_request_does_not_use_up_its_key(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    assert_error(await resend(sample, client, tx_id=NO_EMAIL_TRANSACTION_ID, key="k"), 422)
    fixed = await resend(sample, client, tx_id=NO_EMAIL_TRANSACTION_ID, key="k", to="a@example.id")
    assert fixed.status_code == 202 and fixed.json()["replayed"] is False


async def test_to_overrides_the_address_on_file(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    response = await resend(sample, client, to="Rina.New@Example.ID")
    assert response.status_code == 202 and response.json()["sent_to"] == "Rina.New@Example.ID"


async def test_no_email_on_file_and_none_given_is_422_and_sends_nothing(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    message = assert_error(await resend(sample, client, tx_id=NO_EMAIL_TRANSACTION_ID), 422)
    assert "no customer email" in message
    assert sample.resends() == []


async def test_a_failed_payment_has_no_receipt_to_resend(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    assert_error(await resend(sample, client, tx_id=FAILED_TRANSACTION_ID), 422)
    assert sample.resends() == []


async def test_resending_an_unknown_transaction_is_404(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    assert_error(await resend(sample, client, tx_id="TX-999999999"), 404)
    assert_error(await client.get(url(sample, "receipts", "/receipts/TX-999999999")), 404)


@pytest.mark.parametrize(
    ("content", "status"),
    [
        (b"{not json", 400),
        (b"[1, 2]", 400),
        (b'"to"', 400),
        (b"\xff\xfe\x00", 400),
        (b"[" * 50_000, 400),  # nested too deep for the JSON parser
        (b'{"to": 42}', 422),
        (b'{"to": "nobody"}', 422),
        (b'{"to": "a@b"}', 422),
        (json.dumps({"to": "a" * 60_000 + "@example.id"}).encode(), 422),
        (json.dumps({"to": "a" * 100_000 + "@example.id"}).encode(), 413),  # over 64 KiB
    ],
)
async def test_a_bad_resend_body_is_refused(
    sample: SampleServices, client: httpx.AsyncClient, content: bytes, status: int
) -> None:
    path = f"/receipts/{DEMO_TRANSACTION_ID}/resend"
    assert_error(await client.post(url(sample, "receipts", path), content=content), status)
    assert sample.resends() == []


@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "tab\tkey"])
async def test_a_bad_idempotency_key_is_400(
    sample: SampleServices, client: httpx.AsyncClient, key: str
) -> None:
    assert_error(await resend(sample, client, key=key), 400)


# --- every service ---------------------------------------------------------------------------


async def test_every_service_reports_its_health(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    for name in SERVICE_NAMES:
        response = await client.get(url(sample, name, "/health"))
        assert response.json() == {"status": "ok", "service": name}


async def test_unknown_paths_and_methods_answer_json_errors(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    assert_error(await client.get(url(sample, "billing", "/nope")), 404)
    response = await client.delete(url(sample, "merchants", f"/merchants/{DEMO_MERCHANT_ID}"))
    assert_error(response, 405)
    assert "GET" in response.headers["Allow"]


async def test_all_six_start_well_under_a_second() -> None:
    started = time.perf_counter()
    async with run_sample_services() as sample:
        assert time.perf_counter() - started < 1.0
        assert list(sample.urls) == list(SERVICE_NAMES)
        assert len({u.rsplit(":", 1)[1] for u in sample.urls.values()}) == 6


# --- latency -------------------------------------------------------------------------------


async def test_latency_is_applied_to_every_endpoint_but_health(client: httpx.AsyncClient) -> None:
    async with run_sample_services(latency_ms=300) as sample:
        started = time.perf_counter()
        await client.get(url(sample, "billing", f"/accounts/{DEMO_MERCHANT_ID}"))
        assert time.perf_counter() - started >= 0.28
        started = time.perf_counter()
        await client.get(url(sample, "billing", "/health"))
        assert time.perf_counter() - started < 0.28  # /health skips the latency


async def test_latency_can_change_at_run_time_for_one_service(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    sample.set_latency(300, "devices")
    started = time.perf_counter()
    slow, fast = await asyncio.gather(
        client.get(url(sample, "devices", f"/merchants/{DEMO_MERCHANT_ID}/devices")),
        client.get(url(sample, "billing", f"/accounts/{DEMO_MERCHANT_ID}")),
    )
    assert slow.status_code == fast.status_code == 200
    assert time.perf_counter() - started >= 0.28
    sample.set_latency(0)
    started = time.perf_counter()
    await client.get(url(sample, "devices", f"/merchants/{DEMO_MERCHANT_ID}/devices"))
    assert time.perf_counter() - started < 0.28  # the 300 ms are gone


async def test_a_request_is_counted_as_received_while_it_waits_out_its_latency(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    sample.set_latency(300, "devices")
    slow = asyncio.create_task(
        client.get(url(sample, "devices", f"/merchants/{DEMO_MERCHANT_ID}/devices"))
    )
    while not sample.received("devices"):
        await asyncio.sleep(0.01)
    assert not slow.done()  # arrived, not answered yet
    await client.get(url(sample, "devices", "/health"))  # probes are not counted
    await client.get(url(sample, "devices", "/nope"))  # a refused request is
    assert (await slow).status_code == 200
    assert sample.received("devices") == 2 and sample.received("billing") == 0
    with pytest.raises(ValueError):
        sample.received("nosuch")


async def test_concurrent_requests_wait_out_their_latency_together(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    sample.set_latency(300)
    started = time.perf_counter()
    await asyncio.gather(*(client.get(url(sample, n, "/nope")) for n in SERVICE_NAMES * 2))
    assert 0.28 <= time.perf_counter() - started < 1.5  # not 10 x 300 ms: nothing blocks


def test_bad_settings_are_refused() -> None:
    services = SampleServices()
    with pytest.raises(ValueError, match="latency"):
        services.set_latency(-1)
    with pytest.raises(ValueError, match="no sample service"):
        services.set_latency(10, "payments")
    with pytest.raises(ValueError, match="failure mode"):
        services.set_failure("billing", "explode")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rate"):
        services.set_failure("billing", "flaky", rate=1.5)


# --- stopping, failing ---------------------------------------------------------------------


async def test_a_stopped_service_refuses_connections_while_the_others_answer(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    billing = url(sample, "billing", "/health")
    await client.get(billing)  # a pooled keep-alive connection must not survive the stop
    await sample.stop_service("billing")
    assert not sample.is_running("billing")
    with pytest.raises(httpx.ConnectError):
        await client.get(billing)
    async with httpx.AsyncClient() as fresh:
        with pytest.raises(httpx.ConnectError):
            await fresh.get(billing)
    for name in SERVICE_NAMES:
        if name != "billing":
            assert (await client.get(url(sample, name, "/health"))).status_code == 200
    assert await sample.start_service("billing") + "/health" == billing
    assert (await client.get(billing)).json()["service"] == "billing"


async def test_a_restarted_service_takes_a_new_port_if_its_old_one_was_taken(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    old = sample.urls["billing"]
    await sample.stop_service("billing")
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", int(old.rsplit(":", 1)[1])))
        squatter.listen()
        new = await sample.start_service("billing")
    assert new != old and sample.urls["billing"] == new
    assert (await client.get(new + "/health")).status_code == 200


async def test_error_mode_answers_500_until_switched_back(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    sample.set_failure("billing", "error")
    assert_error(await client.get(url(sample, "billing", f"/accounts/{DEMO_MERCHANT_ID}")), 500)
    assert_error(await client.get(url(sample, "billing", "/health")), 500)
    assert (await client.get(url(sample, "merchants", "/health"))).status_code == 200
    sample.set_failure("billing", "error", status=429)
    assert_error(await client.get(url(sample, "billing", "/health")), 429)
    sample.set_failure("billing", "ok")
    assert (await client.get(url(sample, "billing", "/health"))).status_code == 200


async def test_hang_mode_never_answers_and_stopping_drops_the_request(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    sample.set_failure("devices", "hang")
    with pytest.raises(httpx.ReadTimeout):
        await client.get(url(sample, "devices", "/health"), timeout=0.3)
    pending = asyncio.create_task(client.get(url(sample, "devices", "/health"), timeout=10))
    await asyncio.sleep(0.1)
    started = time.perf_counter()
    await sample.stop_service("devices")
    assert time.perf_counter() - started < 1.0
    with pytest.raises(httpx.RemoteProtocolError):
        await pending


async def test_flaky_mode_fails_the_given_fraction_the_same_way_every_time(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    async def statuses() -> list[int]:
        health = url(sample, "transactions", "/health")
        return [(await client.get(health)).status_code for _ in range(40)]

    sample.set_failure("transactions", "flaky", rate=0.3)
    first = await statuses()
    sample.set_failure("transactions", "flaky", rate=0.3)
    assert await statuses() == first
    assert set(first) == {200, 503} and 4 <= first.count(503) <= 20
    sample.set_failure("transactions", "flaky", rate=1.0)
    assert set(await statuses()) == {503}


async def test_failures_happen_before_any_side_effect(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    sample.set_failure("receipts", "error")
    assert_error(await resend(sample, client, key="k"), 500)
    assert sample.resends() == []
    sample.set_failure("receipts", "ok")
    assert (await resend(sample, client, key="k")).json()["replayed"] is False


# --- hostile input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "path", "status"),
    [
        ("merchants", "/merchants/Ñ金☕", 404),
        ("merchants", "/merchants/..%2F..%2Fetc%2Fpasswd", 404),
        ("merchants", "/merchants/%2e%2e", 404),
        ("merchants", "/merchants/%00", 404),
        ("merchants", "/merchants/M-10001%00", 404),
        ("merchants", "/merchants/%ff%fe", 404),
        ("merchants", "/merchants/M-10001%0d%0aX-Injected:%201", 404),
        ("merchants", "/merchants?phone=%00", 400),
        ("merchants", "/merchants?phone=%2B62%00812", 400),
        ("merchants", "/merchants?email=%00@example.id", 400),
        ("merchants", "/merchants?email=a%0d%0a@example.id", 400),
        ("merchants", "/merchants?q=%00", 400),
        ("merchants", "/merchants?q=Toko%0aEmas", 400),
        ("billing", "/accounts/M-10001%2F..%2F..", 404),
        ("billing", "/accounts/☕", 404),
        ("devices", "/merchants/%00/devices", 404),
        ("transactions", "/transactions/TX-1042%00", 404),
        ("transactions", "/transactions/tx-1042", 404),
        ("transactions", "/merchants/M-10001/transactions?limit=%00", 400),
        ("receipts", "/receipts/%00", 404),
        ("receipts", "/receipts/../transactions/TX-1042", 404),
    ],
)
async def test_hostile_paths_and_queries_get_4xx_never_500(
    sample: SampleServices, client: httpx.AsyncClient, service: str, path: str, status: int
) -> None:
    response = await client.get(url(sample, service, path))
    message = assert_error(response, status)
    assert "\x00" not in message and "\n" not in message
    assert "X-Injected" not in response.headers


async def test_hostile_resend_targets_get_4xx(
    sample: SampleServices, client: httpx.AsyncClient
) -> None:
    for tx_id in ("%00", "Ñ金☕", "..%2F..%2Fhealth", "TX-1042%00"):
        assert_error(await resend(sample, client, tx_id=tx_id), 404)
    assert sample.resends() == []


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /merchants/" + b"A" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /merchants?q=" + b"A" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * 100_000 + b"\r\n\r\n",
        b"GET /merchants/\x00\xff HTTP/1.1\r\nHost: x\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http\r\n\r\n",
    ],
)
async def test_huge_or_malformed_requests_get_400(
    sample: SampleServices, request_bytes: bytes
) -> None:
    assert await raw_status(sample.urls["merchants"], request_bytes) == 400


# --- running outside a test's loop ---------------------------------------------------------


async def test_serve_forever_uses_fixed_ports_in_service_order() -> None:
    base = free_port_block(len(SERVICE_NAMES))
    ready: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    task = asyncio.create_task(serve_forever("127.0.0.1", base, on_ready=ready.put_nowait))
    try:
        urls = await asyncio.wait_for(ready.get(), 5)
        assert urls == {
            name: f"http://127.0.0.1:{base + i}" for i, name in enumerate(SERVICE_NAMES)
        }
        async with httpx.AsyncClient() as client:
            for name, base_url in urls.items():
                assert (await client.get(base_url + "/health")).json()["service"] == name
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    async with httpx.AsyncClient() as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(urls["merchants"] + "/health")


async def test_serve_forever_on_a_taken_port_raises_oserror() -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        ports_before = taken - 3  # the taken port is the transactions service's
        with pytest.raises(OSError):
            await asyncio.wait_for(serve_forever("127.0.0.1", ports_before), 5)


def test_the_services_run_in_a_background_thread() -> None:
    with SampleServicesThread(latency_ms=0) as services, httpx.Client(timeout=5) as client:
        merchants = services.urls["merchants"]
        body = client.get(f"{merchants}/merchants/{DEMO_MERCHANT_ID}").json()
        assert body["name"] == "Toko Sinar Jaya"
        services.set_latency(150, "merchants")
        started = time.perf_counter()
        client.get(f"{merchants}/health")
        client.get(f"{merchants}/merchants/{DEMO_MERCHANT_ID}")
        assert time.perf_counter() - started >= 0.14
        receipts = services.urls["receipts"]
        client.post(f"{receipts}/receipts/{DEMO_TRANSACTION_ID}/resend")
        assert len(services.resends(DEMO_TRANSACTION_ID)) == 1
        services.set_failure("billing", "error")
        assert client.get(f"{services.urls['billing']}/health").status_code == 500
        services.stop_service("devices")
        with pytest.raises(httpx.ConnectError):
            client.get(f"{services.urls['devices']}/health")
        services.start_service("devices")
        assert client.get(f"{services.urls['devices']}/health").status_code == 200
    with httpx.Client() as client, pytest.raises(httpx.ConnectError):
        client.get(f"{merchants}/health")
    services.stop()  # a second stop is harmless
