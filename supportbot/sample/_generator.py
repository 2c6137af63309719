"""Generates the sample merchants, with their billing, devices and payments, from one seeded RNG.

`Generator` makes every record plausible on its own (join dates, trials, past-due bills, devices
seen recently or long ago, payments in shop hours and local time zones, prices shops would set);
`_data` decides which records exist.
"""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import date, datetime, timedelta

from ._records import (
    KYC_STATES,
    PLANS,
    TX_METHODS,
    TX_STATES,
    Account,
    Device,
    Kyc,
    Merchant,
    MerchantStatus,
    Payment,
    Receipt,
    ReceiptStatus,
    SampleData,
    Transaction,
    tx_order,
)
from ._vocab import (
    APP_VERSIONS,
    BILLING_METHODS,
    BILLING_PLANS,
    CATEGORIES,
    CITIES,
    DEVICE_MODELS,
    EMAIL_DOMAINS,
    MOBILE_PREFIXES,
    NAMES,
    SHOP_WORDS,
    SUSPENSION_REASONS,
    WIB,
    City,
)

# The moment the data describes: an ordinary weekday afternoon in Jakarta, whatever today is.
DATA_AS_OF = datetime(2026, 11, 20, 16, 30, tzinfo=WIB)


def iso(moment: datetime) -> str:
    """ISO 8601 with the local offset, to the second: 2026-11-20T14:02:00+07:00."""
    return moment.isoformat(timespec="seconds")


class Generator:
    """Collects records; `merchant` adds one with everything it owns, `finish` seals the set."""

    def __init__(self, rng: random.Random, *, reserved_phones: set[str]) -> None:
        self.rng = rng
        self.used_phones = set(reserved_phones)  # never handed out: they mean something
        self.used_emails: set[str] = set()
        self.used_serials: set[str] = set()
        self.merchants: dict[str, Merchant] = {}
        self.accounts: dict[str, Account] = {}
        self.devices: dict[str, list[Device]] = {}
        self.transactions: dict[str, Transaction] = {}
        self._unnumbered: list[Transaction] = []

    def finish(self, first_tx_number: int) -> SampleData:
        """Number the generated payments in order of time, from `first_tx_number`; the data."""
        self._unnumbered.sort(key=tx_order)
        for number, tx in enumerate(self._unnumbered, start=first_tx_number):
            tx["id"] = f"TX-{number}"
            self.transactions[tx["id"]] = tx
        return SampleData(
            merchants=dict(sorted(self.merchants.items())),
            accounts=self.accounts,
            devices=self.devices,
            transactions=self.transactions,
        )

    def merchant(
        self,
        merchant_id: str,
        name: str,
        owner: str,
        category_name: str,
        city_name: str,
        *,
        phones: list[str] | None = None,
        status: MerchantStatus = "active",
        reason: str | None = None,
        kyc: Kyc = "verified",
        joined: date | None = None,
        closed_on: date | None = None,
        billing: bool = True,
        devices: int | None = None,
        transactions: int | None = None,
        amounts: tuple[int, int] | None = None,
    ) -> None:
        """Add a merchant with its account, devices and payments; None means "make one up".

        `devices` and `transactions` are counts; `amounts` overrides the category's price range.
        A closed merchant's devices and payments stop at `closed_on`.
        """
        rng = self.rng
        city = _city(city_name)
        category = next((c for c in CATEGORIES if c.name == category_name), None)
        if joined is None:
            joined = date(2019, 1, 7) + timedelta(days=rng.randrange(2500))
        self.merchants[merchant_id] = Merchant(
            id=merchant_id,
            name=name,
            owner=owner,
            phones=phones or [self.phone()],
            email=self._email(name, city),
            category=category_name,
            city=city.name,
            address=self._address(city),
            status=status,
            status_reason=reason,
            kyc=kyc,
            joined=joined.isoformat(),
        )
        last_day = (
            datetime.combine(closed_on, datetime.min.time(), city.zone) if closed_on else None
        )
        if billing:
            self.accounts[merchant_id] = self._account(merchant_id, joined, closed_on)
        count = (
            rng.choices((0, 1, 2, 3), weights=(8, 50, 32, 10))[0] if devices is None else devices
        )
        seen_until = last_day or DATA_AS_OF
        self.devices[merchant_id] = [
            self.device(seen_until, online=last_day is None and rng.random() < 0.8)
            for _ in range(count)
        ]
        if transactions is None:
            transactions = rng.randrange(2, 13) if status != "closed" else rng.randrange(1, 5)
        low, high = amounts or ((category.min_amount, category.max_amount) if category else (1, 2))
        days = min(30, (seen_until.date() - joined).days + 1)
        for _ in range(transactions):
            self._unnumbered.append(
                self._transaction(merchant_id, city, seen_until, days, low, high)
            )

    def random_merchant(self, merchant_id: str) -> None:
        """Add a made-up merchant: a local owner name, a shop name of its category, its city."""
        rng = self.rng
        city = rng.choice(CITIES)
        category = rng.choices(CATEGORIES, weights=[c.weight for c in CATEGORIES])[0]
        name = rng.choice(category.templates).format(w=rng.choice(SHOP_WORDS))
        first, last = NAMES[city.names]
        owner = f"{rng.choice(first)} {rng.choice(last)}"
        # Sign-ups grow year on year, so recent join dates are likelier than old ones.
        joined = date(2026, 11, 15) - timedelta(days=int(2870 * rng.random() ** 1.6))
        new = (DATA_AS_OF.date() - joined).days < 60
        kyc = rng.choices(KYC_STATES, weights=(60, 40, 0) if new else (96, 0, 4))[0]
        phones = [self.phone()] + ([self.phone()] if rng.random() < 0.06 else [])
        status: MerchantStatus = "active"
        reason = None
        closed_on = None
        roll = rng.random()
        if kyc == "rejected":
            status, reason = "suspended", "KYC rejected: the ID card photo is unreadable"
        elif roll < 0.03:
            status, reason = "suspended", rng.choice(SUSPENSION_REASONS)
        elif roll < 0.07 and joined < date(2026, 1, 1):
            closed_on = min(joined + timedelta(days=rng.randrange(120, 900)), date(2026, 10, 30))
            status, reason = "closed", f"Closed at the owner's request on {closed_on.isoformat()}"
        self.merchant(
            merchant_id,
            name,
            owner,
            category.name,
            city.name,
            phones=phones,
            status=status,
            reason=reason,
            kyc=kyc,
            joined=joined,
            closed_on=closed_on,
        )

    # --- the parts ----------------------------------------------------------------------------

    def phone(self) -> str:
        """A new Indonesian mobile number in E.164, never one handed out or reserved."""
        while True:
            digits = "".join(str(self.rng.randrange(10)) for _ in range(8))
            phone = f"+62{self.rng.choice(MOBILE_PREFIXES)}{digits}"
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone

    def _email(self, name: str, city: City) -> str:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        local = re.sub(r"[^a-z0-9]+", "", ascii_name.lower())
        email = f"{local}@{self.rng.choice(EMAIL_DOMAINS)}"
        if email in self.used_emails:  # two "Toko Makmur": tell them apart by city, as people do
            email = (
                f"{local}.{city.name.split()[-1].lower()[:3]}{self.rng.randrange(10, 99)}@"
                + (email.split("@")[1])
            )
        self.used_emails.add(email)
        return email

    def _address(self, city: City) -> str:
        rng = self.rng
        street = rng.choice(city.streets)
        number = rng.randrange(1, 220)
        postcode = city.postcode + rng.randrange(0, 60)
        return f"{street} No. {number}, {rng.choice(city.districts)}, {city.name} {postcode}"

    def _account(self, merchant_id: str, joined: date, closed_on: date | None) -> Account:
        rng = self.rng
        plan = rng.choices(PLANS, weights=(55, 35, 10))[0]
        fee = BILLING_PLANS[plan]
        method = rng.choice(BILLING_METHODS)
        account = Account(
            merchant_id=merchant_id,
            plan=plan,
            status="active",
            currency="IDR",
            monthly_fee=fee,
            balance_due=0,
            next_invoice="2026-12-01",
            last_payment=Payment(date="2026-11-01", amount=fee, method=method),
        )
        if closed_on is not None:
            paid = closed_on.replace(day=1)
            account["status"], account["next_invoice"] = "cancelled", None
            account["last_payment"] = Payment(date=paid.isoformat(), amount=fee, method=method)
        elif (DATA_AS_OF.date() - joined).days < 60:
            # New merchants start on a 60-day trial: nothing paid yet, first invoice at its end.
            account["status"], account["last_payment"] = "trial", None
            account["next_invoice"] = (joined + timedelta(days=60)).isoformat()
        elif rng.random() < 0.08:
            months = rng.randrange(1, 4)
            paid = date(2026, 11 - months, 1)
            account["status"], account["balance_due"] = "past_due", months * fee
            account["last_payment"] = Payment(date=paid.isoformat(), amount=fee, method=method)
        return account

    def device(self, seen_until: datetime, *, online: bool) -> Device:
        """A terminal last seen minutes (online) or hours to weeks (offline) before `seen_until`."""
        rng = self.rng
        model, code = rng.choice(DEVICE_MODELS)
        while (serial := f"EDC-{code}-{rng.randrange(100_000, 1_000_000)}") in self.used_serials:
            pass
        self.used_serials.add(serial)
        ago = timedelta(seconds=rng.randrange(5, 600)) if online else _offline_for(rng)
        return Device(
            serial=serial,
            model=model,
            status="online" if online else "offline",
            last_seen=iso(seen_until - ago),
            app_version=rng.choice(APP_VERSIONS[:3] if online else APP_VERSIONS),
        )

    def _transaction(
        self, merchant_id: str, city: City, until: datetime, days: int, low: int, high: int
    ) -> Transaction:
        """A payment on one of the `days` days up to `until`, in the merchant's time zone."""
        rng = self.rng
        day = until.astimezone(city.zone).date() - timedelta(days=rng.randrange(0, days))
        created = datetime(day.year, day.month, day.day, tzinfo=city.zone) + timedelta(
            seconds=rng.randrange(7 * 3600, 22 * 3600)
        )
        created = min(created, until - timedelta(minutes=rng.randrange(1, 90)))
        status = rng.choices(TX_STATES, weights=(85, 3, 8, 4))[0]
        if status == "pending" and until - created > timedelta(hours=1):
            status = "settled"  # payments do not stay pending for days
        method = rng.choices(TX_METHODS, weights=(55, 20, 10, 15))[0]
        email = self._customer_email() if rng.random() < 0.65 else None
        phone = self.phone() if rng.random() < 0.5 else None
        receipt_status: ReceiptStatus = "not_sent"
        sent_to = None
        if status not in ("failed", "pending") and (email or phone):
            sent_to = email or phone
            receipt_status = "bounced" if email and rng.random() < 0.1 else "delivered"
        amount = _price(rng, low, high)  # drawn here, after the receipt: keeps the data as it was
        return Transaction(
            id="",  # numbered in order of time once every transaction exists
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
                status=receipt_status,
                sent_to=sent_to,
                sent_at=iso(created + timedelta(seconds=rng.randrange(2, 40))) if sent_to else None,
            ),
        )

    def _customer_email(self) -> str:
        rng = self.rng
        first, last = NAMES[rng.choice(list(NAMES))]
        given = rng.choice(first).split()[-1].lower()
        family = rng.choice(last).split()[-1].lower()
        suffix = str(rng.randrange(70, 100)) if rng.random() < 0.4 else ""
        local = rng.choice((f"{given}.{family}", f"{given}{suffix}", f"{given}_{family}{suffix}"))
        return f"{local}@{rng.choice(('example.com', 'example.id', 'mail.example.com'))}"


def _offline_for(rng: random.Random) -> timedelta:
    return timedelta(minutes=rng.randrange(45, 60 * 24 * 20))


def _price(rng: random.Random, low: int, high: int) -> int:
    """A price as shops set them: log-uniform between low and high, rounded to a round step."""
    value: float = low * (high / low) ** rng.random()
    step = 500 if value < 100_000 else 1_000 if value < 1_000_000 else 50_000
    return max(step, round(value / step) * step)


def _city(name: str) -> City:
    return next(city for city in CITIES if city.name == name)
