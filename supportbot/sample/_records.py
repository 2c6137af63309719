"""The records the sample services serve, as typed dicts, and the look-ups they answer from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Literal, TypedDict

MerchantStatus = Literal["active", "suspended", "closed"]
Kyc = Literal["verified", "pending", "rejected"]
Plan = Literal["Basic", "Pro", "Enterprise"]
TxStatus = Literal["settled", "pending", "failed", "refunded"]
TxMethod = Literal["QRIS", "Card", "Transfer", "E-wallet"]
ReceiptStatus = Literal["delivered", "bounced", "not_sent"]

KYC_STATES: tuple[Kyc, ...] = ("verified", "pending", "rejected")
PLANS: tuple[Plan, ...] = ("Basic", "Pro", "Enterprise")
TX_STATES: tuple[TxStatus, ...] = ("settled", "pending", "failed", "refunded")
TX_METHODS: tuple[TxMethod, ...] = ("QRIS", "Card", "Transfer", "E-wallet")


class Merchant(TypedDict):
    """A merchant as `GET /merchants/{id}` returns it."""

    id: str
    name: str
    owner: str
    phones: list[str]
    email: str
    category: str
    city: str
    address: str
    status: MerchantStatus
    status_reason: str | None
    kyc: Kyc
    joined: str


class Payment(TypedDict):
    """A subscription payment: ISO date, IDR amount, how it was paid."""

    date: str
    amount: int
    method: str


class Account(TypedDict):
    """A billing account as `GET /accounts/{merchant_id}` returns it."""

    merchant_id: str
    plan: Plan
    status: Literal["active", "past_due", "cancelled", "trial"]
    currency: str
    monthly_fee: int
    balance_due: int
    next_invoice: str | None  # None once cancelled
    last_payment: Payment | None


class Device(TypedDict):
    """A card terminal (EDC) registered to a merchant."""

    serial: str
    model: str
    status: Literal["online", "offline"]
    last_seen: str
    app_version: str


class Receipt(TypedDict):
    """What happened to a transaction's receipt when it was first sent."""

    status: ReceiptStatus
    sent_to: str | None
    sent_at: str | None


class Transaction(TypedDict):
    """A payment as `GET /transactions/{id}` returns it."""

    id: str
    merchant_id: str
    amount: int
    currency: str
    status: TxStatus
    refunded_amount: int  # the whole amount once refunded; less while partly refunded
    method: TxMethod
    created_at: str
    customer_email: str | None
    customer_phone: str | None
    receipt: Receipt


@dataclass(frozen=True)
class SampleData:
    """Every record of the sample services, with the look-ups they answer from.

    Treat it as read-only: one instance is shared by every running set of services.
    """

    merchants: dict[str, Merchant]
    accounts: dict[str, Account]  # merchants without an account are absent
    devices: dict[str, list[Device]]  # every merchant has an entry, maybe empty
    transactions: dict[str, Transaction]
    _by_phone: dict[str, list[Merchant]] = field(default_factory=dict, repr=False)
    _by_email: dict[str, list[Merchant]] = field(default_factory=dict, repr=False)
    _by_merchant: dict[str, list[Transaction]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for merchant in self.merchants.values():
            for phone in merchant["phones"]:
                self._by_phone.setdefault(phone, []).append(merchant)
            self._by_email.setdefault(merchant["email"].casefold(), []).append(merchant)
        newest_first = sorted(self.transactions.values(), key=tx_order, reverse=True)
        for tx in newest_first:
            self._by_merchant.setdefault(tx["merchant_id"], []).append(tx)

    def merchants_by_phone(self, e164: str) -> list[Merchant]:
        """Merchants with this E.164 number among their phones."""
        return list(self._by_phone.get(e164, ()))

    def merchants_by_email(self, email: str) -> list[Merchant]:
        """Merchants with this email, compared case-insensitively."""
        return list(self._by_email.get(email.casefold(), ()))

    def merchants_by_name(self, query: str, limit: int) -> list[Merchant]:
        """Merchants whose name contains every word of `query` (case-insensitive), by id."""
        words = query.casefold().split()
        found = (
            m for m in self.merchants.values() if all(w in m["name"].casefold() for w in words)
        )
        return list(islice(found, limit))

    def transactions_of(self, merchant_id: str, limit: int) -> list[Transaction]:
        """A merchant's transactions, newest first."""
        return self._by_merchant.get(merchant_id, [])[:limit]


def tx_order(tx: Transaction) -> tuple[datetime, str]:
    return datetime.fromisoformat(tx["created_at"]), tx["id"]
