"""A month of realistic support history for the demo: interactions, tags, notes and their
timeline, spread over the hours and days the way a real team's are.

Deterministic: the same merchants, end date and seed give the same rows (ids included), so the
stats built on them show the same picture on every fresh start. The shape follows an
Indonesian merchant-support desk (times in WIB, UTC+7): contacts from 08:00 to 21:00 with a
late-morning and a mid-afternoon peak, Mondays busiest, weekends quiet; mostly chat, a third
calls, some email; most contacts solved in minutes, a few followed up or escalated.

    rows = sample_history(["M-10001", ...], end=datetime(2026, 12, 2, tzinfo=UTC))
    await seed_history(store, rows)        # through the write path; once, on an empty record
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from supportbot.core.masking import mask_text
from supportbot.storage import Interaction, Note, Store, TagMark, TimelineEvent

from .refs import ALPHABET
from .sla import SlaClock

__all__ = ["SampleHistory", "sample_history", "seed_history"]

SEED = 11
WIB = timedelta(hours=7)
AGENTS = (
    ("terminal:ani", "ani"),
    ("terminal:dewi", "dewi"),
    ("terminal:budi", "budi"),
    ("terminal:rina", "rina"),
    ("terminal:lina", "lina"),
)
#: Contacts per hour of the day (WIB), 08:00 to 20:00.
HOUR_WEIGHTS = {
    8: 4,
    9: 8,
    10: 11,
    11: 12,
    12: 7,
    13: 8,
    14: 10,
    15: 11,
    16: 9,
    17: 7,
    18: 5,
    19: 4,
    20: 2,
}
#: Contacts on each weekday (Monday first), relative.
DAY_WEIGHTS = (1.25, 1.1, 1.0, 1.0, 1.05, 0.6, 0.35)
PER_WEEKDAY = 38
CHANNELS = (("chat", 55), ("call", 35), ("email", 10))
MOODS = ((None, 40), ("calm", 25), ("confused", 14), ("frustrated", 12), ("angry", 4), ("happy", 5))
TOPICS = (
    ("settlement/delayed", 18, "asks why Tuesday's settlement has not arrived"),
    ("settlement/missing", 6, "cannot find a settlement in the bank statement"),
    ("settlement/amount", 4, "settlement lower than the day's sales"),
    ("payment/qris", 12, "customer's QRIS payment shows pending"),
    ("payment/failed", 9, "card payment declined twice at the counter"),
    ("payment/refund", 7, "wants to refund a double charge"),
    ("payment/receipt", 8, "customer never got the e-mail receipt"),
    ("device/offline", 10, "terminal shows no connection since this morning"),
    ("device/broken", 3, "terminal screen cracked, asks for a replacement"),
    ("account/pin", 8, "locked out after three wrong PINs"),
    ("account/kyc", 4, "asks what is missing from the KYC documents"),
    ("billing/invoice", 6, "invoice shows the old plan price"),
    ("billing/plan", 3, "wants to move to the Pro plan"),
)
OUTCOMES = (
    ("resolved", 78, "resolution/solved"),
    ("follow_up", 12, "resolution/follow-up"),
    ("escalated", 6, "resolution/escalated"),
    ("abandoned", 4, "resolution/no-action"),
)
FOLLOW_UPS = (
    "explained the bank's cut-off time, money arrives tomorrow",
    "sent the steps to reconnect the terminal to wifi",
    "resent the receipt, customer confirmed it arrived",
    "checked the ledger: paid out in two batches",
    "will call back once the bank answers",
    "escalated to payments engineering with the transaction ids",
)


@dataclass
class SampleHistory:
    """The rows of the demo's history, in the order they are written."""

    interactions: list[Interaction] = field(default_factory=list)
    tags: list[TagMark] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    events: list[TimelineEvent] = field(default_factory=list)


def _pick(rng: random.Random, weighted: tuple[tuple[object, int], ...]) -> object:
    return rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


def _ref(rng: random.Random, prefix: str) -> str:
    return f"{prefix}-" + "".join(rng.choice(ALPHABET) for _ in range(6))


def sample_history(
    merchant_ids: list[str],
    *,
    end: datetime,
    days: int = 30,
    seed: int = SEED,
    clock: SlaClock | None = None,
) -> SampleHistory:
    """`days` of history before `end` for these merchants (the first ones get more contacts);
    with `clock`, each interaction carries its SLA clocks and some a CSAT rating."""
    rng = random.Random(seed)
    history = SampleHistory()
    start_day = (end - timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
    weights = [3.0 if n < 3 else 1.0 / (1 + n / 20) for n in range(len(merchant_ids))]
    hours = list(HOUR_WEIGHTS)
    n = 0
    for offset in range(days):
        day = start_day + timedelta(days=offset)
        count = round(PER_WEEKDAY * DAY_WEIGHTS[(day + WIB).weekday()] * rng.uniform(0.8, 1.2))
        for _ in range(count):
            hour = rng.choices(hours, weights=[HOUR_WEIGHTS[h] for h in hours])[0]
            opened = day + timedelta(hours=hour, seconds=rng.randrange(3600)) - WIB
            if opened >= end:
                continue
            n += 1
            _one_contact(rng, history, rng.choices(merchant_ids, weights=weights)[0], opened, n)
    if clock is not None:
        history.interactions = [with_kpis(i, clock) for i in history.interactions]
    return history


#: Ratings of the sample's rated contacts, 5 first, and the share of contacts that rate.
CSAT_WEIGHTS = (45, 27, 12, 9, 7)
CSAT_RESPONSE = 0.45


def with_kpis(interaction: Interaction, clock: SlaClock) -> Interaction:
    """The interaction with its SLA clocks recorded, and (for a share) a CSAT rating drawn
    from its id, so the rows stay the same whatever else the seed draws."""
    values = clock.backfill(interaction)
    rng = random.Random(f"csat:{interaction.ref}")
    if interaction.closed_at is not None and rng.random() < CSAT_RESPONSE:
        values["csat"] = rng.choices((5, 4, 3, 2, 1), weights=CSAT_WEIGHTS)[0]
        values["csat_at"] = interaction.closed_at + timedelta(minutes=rng.randint(1, 120))
        values["csat_by"] = interaction.agent_id
    return replace(interaction, **values)


def _one_contact(
    rng: random.Random, history: SampleHistory, merchant_id: str, opened: datetime, n: int
) -> None:
    agent_id, agent_name = rng.choice(AGENTS)
    channel = str(_pick(rng, CHANNELS))
    topic = rng.choices(TOPICS, weights=[t[1] for t in TOPICS])[0]
    outcome = rng.choices(OUTCOMES, weights=[o[1] for o in OUTCOMES])[0]
    reply_after = timedelta(
        seconds=rng.randint(20, 240) if channel != "email" else rng.randint(600, 6 * 3600)
    )
    minutes = max(1.0, rng.lognormvariate(1.8, 0.6))  # median about 6 minutes
    closed = opened + reply_after + timedelta(minutes=minutes)
    ref = _ref(rng, "I")
    interaction = Interaction(
        ref=ref,
        channel=channel,
        agent_id=agent_id,
        agent_name=agent_name,
        opened_at=opened,
        merchant_id=merchant_id,
        contact=merchant_id,
        contact_kind="merchant_id",
        first_reply_at=opened + reply_after,
        closed_at=closed,
        closed_by=agent_id,
        outcome=outcome[0],
        mood=_pick(rng, MOODS),  # type: ignore[arg-type]
        source="sample",
        duration_s=round(minutes * 60) if channel == "call" else None,
    )
    history.interactions.append(interaction)

    def event(kind: str, at: datetime, summary: str, tag: str | None = None) -> None:
        history.events.append(
            TimelineEvent(
                event_key=f"sample:{n}:{len(history.events)}",
                merchant_id=merchant_id,
                at=at,
                kind=kind,
                actor_id=agent_id,
                actor_name=agent_name,
                interaction_ref=ref,
                tag=tag,
                summary=mask_text(summary),
            )
        )

    event("opened", opened, f"{channel} {ref} opened by {agent_name}")
    for at, tag in ((opened, topic[0]), (closed, outcome[2])):
        history.tags.append(
            TagMark(
                key=f"sample-{ref}-{tag}",
                tag=tag,
                added_at=at,
                added_by=agent_id,
                merchant_id=merchant_id,
                interaction_ref=ref,
            )
        )
        event("tagged", at, f"+{tag}", tag)
    if rng.random() < 0.6:
        for at, text in ((opened + reply_after, topic[2]), (closed, rng.choice(FOLLOW_UPS))):
            note = Note(
                ref=_ref(rng, "N"),
                author_id=agent_id,
                author_name=agent_name,
                at=at,
                text=text,
                merchant_id=merchant_id,
                interaction_ref=ref,
            )
            history.notes.append(note)
            event("note", at, f"{note.ref}: {text}")
    event("closed", closed, f"{channel} {ref} closed after {minutes:.0f} min")


async def seed_history(store: Store, history: SampleHistory | Callable[[], SampleHistory]) -> int:
    """Write `history` through the write path, unless the record has interactions already
    (a demo restarted on the same database); the interactions written. Given a function, it
    is called only when the record is empty: drawing a month takes longer than the check."""
    if await store.record.interactions(limit=1):
        return 0
    if callable(history):
        history = history()
    await store.record.import_rows(
        history.interactions, history.tags, history.notes, history.events
    )
    return len(history.interactions)


def today(now: datetime | None = None) -> datetime:
    """The start of today (UTC): the demo's history ends there."""
    moment = now or datetime.now(UTC)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)
