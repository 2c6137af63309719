"""The sample dataset: 80 Indonesian merchants with billing, devices and transactions.

Built in Python from a fixed seed (no data file), so every run, test and benchmark sees the same
records. Times are fixed too: the data describes the afternoon of `DATA_AS_OF`, whatever today is.

Hand-written records (M-10001..M-10012, TX-1036..TX-1043) cover the documented demo merchant
and every edge case the bundled commands must handle; the rest (M-10013..M-10080, TX-2001..)
is generated around them:

==============================  =========================================================
``DEMO_MERCHANT_ID`` M-10001    Toko Sinar Jaya, Budi Santoso, 0812-3456-7890, Pro plan,
                                2 devices (one online, one offline), 8 transactions; active,
                                so its PIN can be reset
``DEMO_TRANSACTION_ID`` TX-1042 settled QRIS Rp 150.000, receipt to
                                rina.customer@example.id bounced (the one to resend);
                                nothing refunded yet (the one to refund)
``FAILED_TRANSACTION_ID``       TX-1041, failed card payment, no receipt, nothing to refund
``NO_EMAIL_TRANSACTION_ID``     TX-1040, no customer email (a resend needs ``to``)
``REFUNDED_TRANSACTION_ID``     TX-1038, Rp 1.250.000 transfer, already fully refunded
``PENDING_TRANSACTION_ID``      TX-1043, pending e-wallet payment (not refundable yet)
``SUSPENDED_MERCHANT_ID``       M-10002, suspended, with a ``status_reason``: PIN resets blocked
``CLOSED_MERCHANT_ID``          M-10003, closed, billing cancelled, devices offline, no PIN
                                resets either
``NO_DEVICES_MERCHANT_ID``      M-10004, sells with a printed QRIS code: no devices
``TWO_PHONES_MERCHANT_ID``      M-10005, two phone numbers
``SHARED_PHONE`` +6281398765432 owned by one person with two shops, M-10006 and M-10007
``UNICODE_MERCHANT_ID``         M-10010 "Toko Emas 金龙"; also M-10008 "Kopi Kenangan Mantan ☕"
                                and M-10009 "Warung Bu Siti — Ñam"
``NO_BILLING_MERCHANT_ID``      M-10011, onboarded this week: no billing account (404)
``PAST_DUE_MERCHANT_ID``        M-10012, billing past_due, three months unpaid
``UNKNOWN_VALID_PHONE``         +6281187654321, a valid mobile number no merchant has
==============================  =========================================================
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from functools import cache

from ._generator import DATA_AS_OF, Generator, iso
from ._records import (
    Account,
    Device,
    Merchant,
    Payment,
    Receipt,
    ReceiptStatus,
    SampleData,
    Transaction,
    TxMethod,
    TxStatus,
)
from ._vocab import WIB

SEED = 20_261_120
MERCHANT_COUNT = 80

DEMO_MERCHANT_ID = "M-10001"
DEMO_PHONE = "+6281234567890"
DEMO_EMAIL = "sinar@example.id"
DEMO_TRANSACTION_ID = "TX-1042"
FAILED_TRANSACTION_ID = "TX-1041"
NO_EMAIL_TRANSACTION_ID = "TX-1040"
REFUNDED_TRANSACTION_ID = "TX-1038"
PENDING_TRANSACTION_ID = "TX-1043"
SUSPENDED_MERCHANT_ID = "M-10002"
CLOSED_MERCHANT_ID = "M-10003"
NO_DEVICES_MERCHANT_ID = "M-10004"
TWO_PHONES_MERCHANT_ID = "M-10005"
SHARED_PHONE = "+6281398765432"
SHARED_PHONE_MERCHANT_IDS = ("M-10006", "M-10007")
UNICODE_MERCHANT_ID = "M-10010"
UNICODE_MERCHANT_IDS = ("M-10008", "M-10009", "M-10010")
NO_BILLING_MERCHANT_ID = "M-10011"
PAST_DUE_MERCHANT_ID = "M-10012"
UNKNOWN_VALID_PHONE = "+6281187654321"


@cache
def sample_data() -> SampleData:
    """The dataset (built once per process, the same in every process)."""
    gen = Generator(
        random.Random(SEED), reserved_phones={DEMO_PHONE, SHARED_PHONE, UNKNOWN_VALID_PHONE}
    )
    _demo_merchant(gen)
    _edge_cases(gen)
    for number in range(len(gen.merchants) + 1, MERCHANT_COUNT + 1):
        gen.random_merchant(f"M-{10000 + number}")
    return gen.finish(first_tx_number=2001)


def _demo_merchant(gen: Generator) -> None:
    """M-10001 exactly as the README shows it, with TX-1036..TX-1043."""
    merchant_id = DEMO_MERCHANT_ID
    gen.merchants[merchant_id] = Merchant(
        id=merchant_id,
        name="Toko Sinar Jaya",
        owner="Budi Santoso",
        phones=[DEMO_PHONE],
        email=DEMO_EMAIL,
        category="Grocery",
        city="Jakarta Barat",
        address="Jl. Tanjung Duren Raya No. 45, Grogol Petamburan, Jakarta Barat 11470",
        status="active",
        status_reason=None,
        kyc="verified",
        joined="2021-03-14",
    )
    gen.used_emails.add(DEMO_EMAIL)
    gen.accounts[merchant_id] = Account(
        merchant_id=merchant_id,
        plan="Pro",
        status="active",
        currency="IDR",
        monthly_fee=99_000,
        balance_due=0,
        next_invoice="2026-12-01",
        last_payment=Payment(date="2026-11-01", amount=99_000, method="Auto-debit BCA"),
    )
    gen.devices[merchant_id] = [
        Device(
            serial="EDC-A920-104233",
            model="PAX A920",
            status="online",
            last_seen="2026-11-20T16:28:41+07:00",
            app_version="4.12.1",
        ),
        Device(
            serial="EDC-P2P-377120",
            model="Sunmi P2 Pro",
            status="offline",
            last_seen="2026-11-18T21:03:12+07:00",
            app_version="4.11.3",
        ),
    ]
    gen.used_serials.update(d["serial"] for d in gen.devices[merchant_id])
    rina = "rina.customer@example.id"
    demo: list[tuple[str, str, int, TxStatus, TxMethod, str | None, str | None, ReceiptStatus]]
    demo = [
        ("TX-1036", "2026-11-14T10:12:05", 45_000, "settled", "QRIS",
         "agus.w@example.com", None, "delivered"),
        ("TX-1037", "2026-11-15T19:40:51", 87_500, "settled", "Card",
         "dewi.lestari@example.id", "+6285712345678", "delivered"),
        ("TX-1038", "2026-11-16T11:05:33", 1_250_000, "refunded", "Transfer",
         "hartono.store@example.co.id", None, "delivered"),
        ("TX-1039", "2026-11-18T08:15:09", 32_000, "settled", "E-wallet",
         "yuni88@example.com", "+6281911223344", "delivered"),
        ("TX-1040", "2026-11-19T12:47:26", 25_000, "settled", "QRIS",
         None, "+6287855501234", "delivered"),
        ("TX-1041", "2026-11-20T09:31:17", 210_000, "failed", "Card",
         "bayu.saputra@example.id", None, "not_sent"),
        ("TX-1042", "2026-11-20T14:02:00", 150_000, "settled", "QRIS",
         rina, "+6281377788899", "bounced"),
        ("TX-1043", "2026-11-20T16:21:44", 64_500, "pending", "E-wallet",
         None, "+6289612340987", "not_sent"),
    ]  # fmt: skip
    for tx_id, when, amount, status, method, email, phone, receipt in demo:
        created = datetime.fromisoformat(when).replace(tzinfo=WIB)
        sent_to = None if receipt == "not_sent" else (email or phone)
        gen.transactions[tx_id] = Transaction(
            id=tx_id,
            merchant_id=merchant_id,
            amount=amount,
            currency="IDR",
            status=status,
            refunded_amount=amount if status == "refunded" else 0,
            method=method,
            created_at=iso(created),
            customer_email=email,
            customer_phone=phone,
            receipt=Receipt(
                status=receipt,
                sent_to=sent_to,
                sent_at=iso(created + timedelta(seconds=7)) if sent_to else None,
            ),
        )
    gen.used_phones.update(
        tx["customer_phone"] for tx in gen.transactions.values() if tx["customer_phone"]
    )


def _edge_cases(gen: Generator) -> None:
    """The merchants the documented edge cases name (M-10002..M-10012)."""
    gen.merchant(
        SUSPENDED_MERCHANT_ID,
        "Bengkel Motor Jaya Abadi",
        "Hotman Siregar",
        "Auto repair",
        "Medan",
        status="suspended",
        reason="Suspected fraud: 14 chargebacks in 7 days (case RISK-2291)",
    )
    closed_on = date(2025, 8, 31)
    gen.merchant(
        CLOSED_MERCHANT_ID,
        "Laundry Kilat Bersih",
        "Euis Kurniasih",
        "Laundry",
        "Bandung",
        status="closed",
        reason=f"Closed at the owner's request on {closed_on.isoformat()}",
        joined=date(2020, 2, 3),
        closed_on=closed_on,
    )
    gen.merchant(
        NO_DEVICES_MERCHANT_ID,
        "Kedai Kopi Senja",
        "Dwi Lestari",
        "Coffee shop",
        "Yogyakarta",
        devices=0,
    )
    gen.merchant(
        TWO_PHONES_MERCHANT_ID,
        "Apotek Sehat Sentosa",
        "Hendra Wijaya",
        "Pharmacy",
        "Surabaya",
        phones=["+6281331234567", "+6285645678901"],
    )
    for merchant_id, name, category in (
        (SHARED_PHONE_MERCHANT_IDS[0], "Toko Roti Manis", "Bakery"),
        (SHARED_PHONE_MERCHANT_IDS[1], "Warung Makan Bu Rini", "Restaurant"),
    ):
        gen.merchant(
            merchant_id, name, "Rini Handayani", category, "Semarang", phones=[SHARED_PHONE]
        )
    unicode_names = ("Kopi Kenangan Mantan ☕", "Warung Bu Siti — Ñam", "Toko Emas 金龙")
    ids = dict(zip(unicode_names, UNICODE_MERCHANT_IDS, strict=True))
    gen.merchant(
        ids["Kopi Kenangan Mantan ☕"],
        "Kopi Kenangan Mantan ☕",
        "Rizky Pratama",
        "Coffee shop",
        "Jakarta Selatan",
    )
    gen.merchant(
        ids["Warung Bu Siti — Ñam"],
        "Warung Bu Siti — Ñam",
        "Siti Aminah",
        "Restaurant",
        "Makassar",
    )
    # Gold shops sell in millions of rupiah, and no category of the generator does.
    gen.merchant(
        ids["Toko Emas 金龙"],
        "Toko Emas 金龙",
        "Tan Kim Liong",
        "Jewelry",
        "Jakarta Pusat",
        amounts=(850_000, 35_000_000),
    )
    gen.merchant(
        NO_BILLING_MERCHANT_ID,
        "Warung Pecel Mbok Darmi",
        "Sudarmi",
        "Restaurant",
        "Malang",
        kyc="pending",
        joined=date(2026, 11, 18),
        billing=False,
        devices=0,
        transactions=0,
    )
    # Shipped, not yet switched on: a terminal that has only been seen once, at setup.
    gen.devices[NO_BILLING_MERCHANT_ID] = [
        gen.device(DATA_AS_OF - timedelta(days=1, hours=6), online=False)
    ]
    gen.merchant(
        PAST_DUE_MERCHANT_ID, "Salon Cantik Ayu", "Ayu Permatasari", "Beauty salon", "Bogor"
    )
    gen.accounts[PAST_DUE_MERCHANT_ID] = Account(
        merchant_id=PAST_DUE_MERCHANT_ID,
        plan="Basic",
        status="past_due",
        currency="IDR",
        monthly_fee=49_000,
        balance_due=3 * 49_000,
        next_invoice="2026-12-01",
        last_payment=Payment(date="2026-08-01", amount=49_000, method="Virtual Account BRI"),
    )
