"""Sample internal services: merchants, billing, devices, transactions, receipts and notifications
over HTTP.

supportbot runs without any real service: ``supportbot demo`` starts these on 127.0.0.1 and the
bot talks to them over real HTTP, as it would to a company's own APIs. The tests and benchmarks
run against them too, so they are deterministic (a fixed dataset, see `sample_data`) and
controllable (latency, failures, stopping one service, counting side effects)::

    async with run_sample_services(latency_ms=0) as sample:
        sample.urls["merchants"]              # "http://127.0.0.1:PORT"
        await sample.stop_service("billing")  # connection refused from now on
        sample.set_latency(300)               # every service, or set_latency(300, "billing")
        sample.set_failure("devices", "flaky", rate=0.3)
        sample.resends("TX-1042")             # receipts actually resent
        sample.pin_resets("M-10001")          # PIN resets actually performed
        sample.restarts("M-10001")            # card readers restarted remotely
        sample.refunds("TX-1042")             # refunds actually made (replays never count)

The HTTP contract (JSON everywhere; errors are ``{"error": "..."}`` with a 4xx/5xx status):

- merchants: ``GET /merchants/{id}``; ``GET /merchants?phone=+62...`` (E.164), ``?email=``
  (case-insensitive) or ``?q=name words`` (at most 20) → ``{"merchants": [...]}``, no query → 400.
  ``POST /merchants/{id}/pin-reset`` with optional ``{"device": serial}`` and a required
  ``Idempotency-Key`` → 200 ``{"reset_id", "merchant_id", "device", "sent_to", "channel": "sms",
  "at", "replayed"}`` (a new PIN by SMS to the merchant's first phone); suspended or closed → 409;
  not the merchant's device → 422. ``GET /merchants/{id}/pin-resets`` → every reset performed.
- billing: ``GET /accounts/{merchant_id}`` (404 when the merchant has no account)
- devices: ``GET /merchants/{merchant_id}/devices`` → ``{"merchant_id", "devices": [...]}``;
  ``POST /merchants/{merchant_id}/devices/{serial}/restart`` with a required ``Idempotency-Key``
  → 200 ``{"restart_id", "merchant_id", "serial", "at", "replayed"}`` (offline → 409, not the
  merchant's → 404); ``GET /merchants/{merchant_id}/restarts`` → every restart performed.
- transactions: ``GET /transactions/{id}`` (with ``refunded_amount``; ``status`` is
  ``refunded`` once refunds add up to the amount); ``GET /merchants/{merchant_id}/transactions?
  limit=5`` (newest first, 1..50). ``POST /transactions/{id}/refunds`` with ``{"amount": rupiah,
  "reason": text}`` and a required ``Idempotency-Key`` → 200 ``{"refund_id", "transaction_id",
  "amount", "currency", "reason", "refunded_total", "remaining", "at", "replayed"}``; not settled
  (failed, pending, fully refunded) → 409; a bad amount or reason, or more than is left → 422.
  ``GET /transactions/{id}/refunds`` → every refund performed.
- receipts: ``POST /receipts/{tx_id}/resend`` with optional ``{"to": email}`` and
  ``Idempotency-Key`` → 202 ``{"resend_id", "transaction_id", "sent_to", "at", "replayed"}``;
  the same key again → the original answer with ``"replayed": true`` and nothing sent; the same
  key for another transaction or address → 409; no email to send to, or a failed or pending
  payment (no receipt exists) → 422. ``GET /receipts/{tx_id}`` → every resend performed.
- notifications: ``POST /notifications`` with ``{"merchant_id", "channel": "email"|"sms", "to",
  "subject"?, "text"}`` and a required ``Idempotency-Key`` → 202 ``{"notification_id",
  "merchant_id", "channel", "to", "at", "replayed"}`` (the same key again: the first answer,
  nothing sent; with another merchant, channel or address: 422). ``GET /notifications``
  (``?merchant_id=``) → every notification sent. ``sample.notifications()`` counts them.
- who has what (for notices): merchants ``GET /merchant-ids?city=|category=|status=``, billing
  ``GET /accounts?plan=``, devices ``GET /devices?model=`` → ``{"merchant_ids": [...]}``.
- every service: ``GET /health`` → ``{"status": "ok", "service": name}``

A PIN reset or a refund without an ``Idempotency-Key`` is 400. For both, the same key again gets
the first answer with ``"replayed": true`` and performs nothing; the same key with another body
or target is 422 (a resend answers that 409, as it always has). A refused request uses up no key.

The constants name the records the README and tests rely on; `supportbot.sample._data` lists
every edge case, `supportbot.sample._generator` how the rest is made up.
"""

from ._apps import SERVICE_NAMES
from ._control import FAILURE_MODES, FailureMode
from ._data import (
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
    SHARED_PHONE,
    SHARED_PHONE_MERCHANT_IDS,
    SUSPENDED_MERCHANT_ID,
    TWO_PHONES_MERCHANT_ID,
    UNICODE_MERCHANT_ID,
    UNICODE_MERCHANT_IDS,
    UNKNOWN_VALID_PHONE,
    sample_data,
)
from ._generator import DATA_AS_OF
from ._ledger import PinReset, Refund, Resend, Restart
from ._people import DEMO_ROLES
from ._records import Account, Device, Merchant, SampleData, Transaction
from ._runner import SampleServices, SampleServicesThread, run_sample_services, serve_forever

__all__ = [
    "CLOSED_MERCHANT_ID",
    "DATA_AS_OF",
    "DEMO_EMAIL",
    "DEMO_MERCHANT_ID",
    "DEMO_PHONE",
    "DEMO_ROLES",
    "DEMO_TRANSACTION_ID",
    "FAILED_TRANSACTION_ID",
    "FAILURE_MODES",
    "NO_BILLING_MERCHANT_ID",
    "NO_DEVICES_MERCHANT_ID",
    "NO_EMAIL_TRANSACTION_ID",
    "PAST_DUE_MERCHANT_ID",
    "PENDING_TRANSACTION_ID",
    "REFUNDED_TRANSACTION_ID",
    "SERVICE_NAMES",
    "SHARED_PHONE",
    "SHARED_PHONE_MERCHANT_IDS",
    "SUSPENDED_MERCHANT_ID",
    "TWO_PHONES_MERCHANT_ID",
    "UNICODE_MERCHANT_ID",
    "UNICODE_MERCHANT_IDS",
    "UNKNOWN_VALID_PHONE",
    "Account",
    "Device",
    "FailureMode",
    "Merchant",
    "PinReset",
    "Restart",
    "Refund",
    "Resend",
    "SampleData",
    "SampleServices",
    "SampleServicesThread",
    "Transaction",
    "run_sample_services",
    "sample_data",
    "serve_forever",
]
