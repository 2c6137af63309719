"""What the sample services did: resends, PIN resets, refunds, device restarts, and the answer
to every key.

These are the side effects tests count (`SampleServices.resends`, `pin_resets`, `refunds`,
`restarts`). One
`Ledger` serves every service of a `SampleServices` and outlives their web apps, so a service
stopped and started again remembers what it did.

Idempotency works the same for every operation (`Ledger.once`): the first successful answer to
an ``Idempotency-Key`` is kept under (operation, key) with the request it answered; the same key
with the same request gets that answer again without performing anything, the same key with
another request is an `IdempotencyConflict`. A refused request (404, 409, 422) changed nothing,
so it is not remembered: sent again, fixed, with the same key, it goes through.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, TypedDict

from ._records import Transaction

__all__ = [
    "Answer",
    "Fingerprint",
    "IdempotencyConflict",
    "IdempotencyConflictText",
    "Ledger",
    "Notification",
    "NotificationLog",
    "Operation",
    "PinReset",
    "Refund",
    "Resend",
    "Restart",
]

Operation = Literal["resend", "PIN reset", "refund", "restart"]
#: A success answer's JSON body, as first sent (without ``replayed``).
Answer = dict[str, Any]


class Resend(TypedDict):
    """One receipt resend the receipts service performed."""

    resend_id: str
    transaction_id: str
    sent_to: str
    at: str
    idempotency_key: str | None


class PinReset(TypedDict):
    """One merchant PIN reset the merchants service performed (a new PIN sent by SMS)."""

    reset_id: str
    merchant_id: str
    device: str | None  # the terminal the PIN is for; None: the PIN of all the merchant's terminals
    sent_to: str
    channel: Literal["sms"]
    at: str
    idempotency_key: str


class Restart(TypedDict):
    """One card reader restarted remotely by the devices service."""

    restart_id: str
    merchant_id: str
    serial: str
    at: str
    idempotency_key: str


class Refund(TypedDict):
    """One refund the transactions service performed; the totals are as of this refund."""

    refund_id: str
    transaction_id: str
    amount: int
    currency: str
    reason: str
    refunded_total: int
    remaining: int
    at: str
    idempotency_key: str


@dataclass(frozen=True)
class Fingerprint:
    """What an idempotent request asked for, normalized: equal fingerprints, same request.

    `target` is the id in the path; `asked` the body's meaningful fields as (name, value).
    """

    target: str
    asked: tuple[tuple[str, str | int | None], ...] = ()


class IdempotencyConflict(Exception):
    """An idempotency key came back with a different request than the one it was first used for."""

    def __init__(self, operation: Operation, first: Fingerprint) -> None:
        super().__init__(f"Idempotency-Key already used for a {operation} of {first.target}")
        self.operation = operation
        #: The request the key was first used for.
        self.first = first


@dataclass
class Ledger:
    """Every resend, PIN reset and refund performed, and the first answer to every key."""

    _answers: dict[tuple[Operation, str], tuple[Fingerprint, Answer]] = field(default_factory=dict)
    _resends: list[Resend] = field(default_factory=list)
    _pin_resets: list[PinReset] = field(default_factory=list)
    _refunds: list[Refund] = field(default_factory=list)
    _restarts: list[Restart] = field(default_factory=list)
    _refunded: dict[str, int] = field(default_factory=dict)  # by transaction, this run only
    #: Every notification the notifications service sent.
    notifications: NotificationLog = field(default_factory=lambda: NotificationLog())

    def once(
        self,
        operation: Operation,
        key: str | None,
        request: Fingerprint,
        perform: Callable[[], Answer],
    ) -> tuple[Answer, bool]:
        """The answer to `request`, and whether it is a replay of an earlier one.

        `perform` runs unless `key` was already answered (then its first answer comes back);
        if it raises (a refusal), nothing is remembered. Raises `IdempotencyConflict` if `key`
        was answered for another request. Without a key, `perform` just runs.

        `perform` is a plain function, not a coroutine, on purpose: nothing can run between
        the look-up of the key and the record of its answer, so two requests with one key
        arriving together cannot both perform.
        """
        if key is not None:
            seen = self._answers.get((operation, key))
            if seen is not None:
                first, answer = seen
                if first != request:
                    raise IdempotencyConflict(operation, first)
                return dict(answer), True
        answer = perform()
        if key is not None:
            self._answers[(operation, key)] = (request, dict(answer))
        return answer, False

    def add_resend(self, tx_id: str, sent_to: str, key: str | None) -> Resend:
        """Perform (record) a receipt resend."""
        resend = Resend(
            resend_id=f"RS-{len(self._resends) + 1:06d}",
            transaction_id=tx_id,
            sent_to=sent_to,
            at=_now(),
            idempotency_key=key,
        )
        self._resends.append(resend)
        return Resend(**resend)

    def add_pin_reset(
        self, merchant_id: str, device: str | None, sent_to: str, key: str
    ) -> PinReset:
        """Perform (record) a PIN reset, sent by SMS to `sent_to`."""
        reset = PinReset(
            reset_id=f"PR-{len(self._pin_resets) + 1:06d}",
            merchant_id=merchant_id,
            device=device,
            sent_to=sent_to,
            channel="sms",
            at=_now(),
            idempotency_key=key,
        )
        self._pin_resets.append(reset)
        return PinReset(**reset)

    def add_restart(self, merchant_id: str, serial: str, key: str) -> Restart:
        """Perform (record) a remote restart of the card reader `serial`."""
        restart = Restart(
            restart_id=f"DR-{len(self._restarts) + 1:06d}",
            merchant_id=merchant_id,
            serial=serial,
            at=_now(),
            idempotency_key=key,
        )
        self._restarts.append(restart)
        return Restart(**restart)

    def add_refund(self, tx: Transaction, amount: int, reason: str, key: str) -> Refund:
        """Perform (record) a refund of `amount` on `tx`; the caller checked it is refundable."""
        remaining = tx["amount"] - self.refunded(tx)
        if not 0 < amount <= remaining:
            raise ValueError(f"cannot refund {amount} of {tx['id']}: {remaining} left")
        self._refunded[tx["id"]] = self._refunded.get(tx["id"], 0) + amount
        refund = Refund(
            refund_id=f"RF-{len(self._refunds) + 1:06d}",
            transaction_id=tx["id"],
            amount=amount,
            currency=tx["currency"],
            reason=reason,
            refunded_total=self.refunded(tx),
            remaining=remaining - amount,
            at=_now(),
            idempotency_key=key,
        )
        self._refunds.append(refund)
        return Refund(**refund)

    def refunded(self, tx: Transaction) -> int:
        """How much of `tx` is refunded: before the data was taken, and since."""
        return tx["refunded_amount"] + self._refunded.get(tx["id"], 0)

    def current(self, tx: Transaction) -> Transaction:
        """`tx` as it stands now: a fully refunded payment has the status ``refunded``."""
        refunded = self.refunded(tx)
        now = Transaction(**tx)
        now["refunded_amount"] = refunded
        if refunded and refunded >= tx["amount"]:
            now["status"] = "refunded"
        return now

    def resends(self, tx_id: str | None = None) -> list[Resend]:
        """The resends performed (of one transaction, or all), oldest first."""
        return [Resend(**r) for r in self._resends if tx_id in (None, r["transaction_id"])]

    def pin_resets(self, merchant_id: str | None = None) -> list[PinReset]:
        """The PIN resets performed (of one merchant, or all), oldest first."""
        return [PinReset(**r) for r in self._pin_resets if merchant_id in (None, r["merchant_id"])]

    def refunds(self, tx_id: str | None = None) -> list[Refund]:
        """The refunds performed (of one transaction, or all), oldest first."""
        return [Refund(**r) for r in self._refunds if tx_id in (None, r["transaction_id"])]

    def restarts(self, merchant_id: str | None = None) -> list[Restart]:
        """The device restarts performed (of one merchant, or all), oldest first."""
        return [Restart(**r) for r in self._restarts if merchant_id in (None, r["merchant_id"])]


class IdempotencyConflictText(ValueError):
    """A notification key reused for another merchant, channel or address (answered 422)."""


class Notification(TypedDict):
    """One message the notifications service sent."""

    notification_id: str
    merchant_id: str
    channel: Literal["email", "sms"]
    to: str
    subject: str | None
    text: str
    at: str
    idempotency_key: str


@dataclass
class NotificationLog:
    """Every notification sent, and the first answer to every key (one per service run)."""

    sent: list[Notification] = field(default_factory=list)
    _answers: dict[str, tuple[tuple[str, str, str], dict[str, Any]]] = field(default_factory=dict)

    def send_once(self, key: str, wanted: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """The answer to a send, and whether it is a replay (nothing sent again). A plain
        function: nothing runs between the key's look-up and its record."""
        fingerprint = (wanted["merchant_id"], wanted["channel"], wanted["to"])
        seen = self._answers.get(key)
        if seen is not None:
            if seen[0] != fingerprint:
                raise IdempotencyConflictText(
                    f"this Idempotency-Key was already used for a notification to "
                    f"{seen[0][0][:40]}; use a new key for a different message"
                )
            return dict(seen[1]), True
        sent = Notification(
            notification_id=f"NT-{len(self.sent) + 1:06d}",
            merchant_id=wanted["merchant_id"],
            channel=wanted["channel"],
            to=wanted["to"],
            subject=wanted.get("subject"),
            text=wanted["text"],
            at=datetime.now(UTC).isoformat(timespec="milliseconds"),
            idempotency_key=key,
        )
        self.sent.append(sent)
        answer: dict[str, Any] = {
            "notification_id": sent["notification_id"],
            "merchant_id": sent["merchant_id"],
            "channel": sent["channel"],
            "to": sent["to"],
            "at": sent["at"],
        }
        self._answers[key] = (fingerprint, dict(answer))
        return answer, False

    def of(self, merchant_id: str | None = None) -> list[Notification]:
        """What was sent (to one merchant, or to all), oldest first."""
        return [Notification(**n) for n in self.sent if merchant_id in (None, n["merchant_id"])]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
