"""The answers of the bundled sample services, as models a command passes to `.expect(...)`.

`ctx.services.merchants.get(f"/merchants/{id}").expect(Merchant)` then gives a `Merchant` in
`result.data`, for the type checker too. An answer that does not fit becomes a warning ("billing
answered in an unexpected shape") and costs only its part of the answer. What a card can do
without is optional and unknown fields are ignored, so a service may add to its answers without
breaking the bot. Endpoints and shapes are listed in the README ("The sample services").
"""

from __future__ import annotations

from pydantic import BaseModel

__all__ = [
    "BillingAccount",
    "Device",
    "DeviceList",
    "Merchant",
    "MerchantSearch",
    "Receipt",
    "Resend",
    "ResendList",
    "SubscriptionPayment",
    "Transaction",
    "TransactionList",
]


class Merchant(BaseModel):
    """A merchant (`GET /merchants/{id}` on the merchants service)."""

    id: str
    name: str | None = None
    owner: str | None = None
    phones: list[str] = []
    email: str | None = None
    category: str | None = None
    city: str | None = None
    address: str | None = None
    status: str = "unknown"
    status_reason: str | None = None
    kyc: str | None = None
    joined: str | None = None


class MerchantSearch(BaseModel):
    """The merchants with a phone number or an email (`GET /merchants?phone=...|email=...`)."""

    merchants: list[Merchant] = []


class SubscriptionPayment(BaseModel):
    """A merchant's payment of its subscription."""

    date: str | None = None
    amount: int | None = None


class BillingAccount(BaseModel):
    """A merchant's billing account (`GET /accounts/{id}` on the billing service)."""

    plan: str = "?"
    status: str = "?"
    currency: str = "IDR"
    monthly_fee: int | None = None
    balance_due: int | None = None
    next_invoice: str | None = None
    last_payment: SubscriptionPayment | None = None


class Device(BaseModel):
    """A card terminal."""

    serial: str = "?"
    model: str = ""
    status: str = "?"
    last_seen: str | None = None


class DeviceList(BaseModel):
    """A merchant's card terminals (`GET /merchants/{id}/devices` on the devices service)."""

    devices: list[Device] = []


class Receipt(BaseModel):
    """What happened to a transaction's receipt when it was first sent."""

    status: str | None = None
    sent_to: str | None = None
    sent_at: str | None = None


class Transaction(BaseModel):
    """One payment (`GET /transactions/{id}` on the transactions service)."""

    id: str = "?"
    merchant_id: str | None = None
    amount: int | None = None
    currency: str = "IDR"
    status: str = "?"
    method: str = ""
    created_at: str | None = None
    customer_email: str | None = None
    customer_phone: str | None = None
    refunded_amount: int = 0
    receipt: Receipt | None = None


class TransactionList(BaseModel):
    """A merchant's recent payments (`GET /merchants/{id}/transactions?limit=5`)."""

    transactions: list[Transaction] = []


class Resend(BaseModel):
    """One resend of a receipt, from the receipts service."""

    resend_id: str = "?"
    sent_to: str | None = None
    at: str | None = None
    idempotency_key: str | None = None


class ResendList(BaseModel):
    """Every resend of a transaction's receipt, oldest first (`GET /receipts/{id}`)."""

    resends: list[Resend] = []
