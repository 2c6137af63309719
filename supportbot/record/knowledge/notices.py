"""Bulk notices: who gets one, what it says, and sending each exactly once.

A notice is about a subject (`NoticeSubject`): a known issue (KI-n), or a feature request that
shipped (R-n). Everything below is the same for both; only the audience and the ledger differ.

`plan_notice` is the dry run: the merchants the subject concerns (for an issue its explicit
list, the merchants linked to it, and those the services name for each `--match` field; for a
request the merchants who asked), each looked up live, its snippet rendered, its contact chosen
(email, else the first phone by SMS). `send_notices` sends the plan: for each merchant it first
claims (subject, merchant, snippet version) in the subject's ledger (`NoticeLedger.claim`),
then calls the notifications service with the claim's idempotency key, then records the outcome
and puts it on the merchant's timeline. A second run, a double click, a restart or another
replica finds the claim and does not send again; a run killed between claim and outcome is
finished by the next one with the same key, which the service answers without sending twice.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from supportbot.core.masking import mask_email, mask_phone, mask_text
from supportbot.services.clients import ServiceResult, Services
from supportbot.storage import Incident, Notice, NoticeLedger, Snippet, Store, TimelineEvent

from .facts import Gather, MerchantFacts, lookup_facts
from .incidents import MatchRule
from .snippets import RenderedSnippet, render_snippet
from .templates import TemplateRefused

__all__ = [
    "Audience",
    "NoticePlan",
    "NoticeSubject",
    "NoticeTally",
    "audience_of",
    "incident_subject",
    "contact_of",
    "notice_key",
    "plan_notice",
    "send_notices",
    "Sender",
]

#: Where each searchable match field is asked: (service, path, query parameter).
SEARCHABLE: dict[str, tuple[str, str, str]] = {
    "device_model": ("devices", "/devices", "model"),
    "plan": ("billing", "/accounts", "plan"),
    "city": ("merchants", "/merchant-ids", "city"),
    "category": ("merchants", "/merchant-ids", "category"),
    "status": ("merchants", "/merchant-ids", "status"),
}
#: Merchants looked up at once while planning.
LOOKUPS_AT_ONCE = 8
SAMPLES = 3

Progress = Callable[[int, int], Awaitable[None]]


@dataclass(frozen=True)
class NoticeSubject:
    """What a notice is about: a known issue or a shipped feature request."""

    #: "incident" or "request".
    kind: str
    id: int
    #: How people name it: KI-3, R-4.
    ref: str
    title: str
    #: The placeholders a notice has beside the merchant's (`incident_title`, `request_title`).
    values: Mapping[str, str | None]
    #: Where its notices are claimed and recorded.
    ledger: NoticeLedger


@dataclass
class NoticePlan:
    """What a notice run would do."""

    subject: NoticeSubject
    snippet: Snippet
    ready: list[tuple[MerchantFacts, RenderedSnippet]] = field(default_factory=list)
    #: Merchants with neither an email nor a phone on file.
    no_contact: list[str] = field(default_factory=list)
    #: Merchants that could not be looked up or rendered, with why.
    problems: list[tuple[str, str]] = field(default_factory=list)
    #: Match fields no service can search (they still match on cards).
    unsearchable: list[str] = field(default_factory=list)

    @property
    def samples(self) -> list[RenderedSnippet]:
        """A few rendered notices, to read before saying yes."""
        return [rendered for _, rendered in self.ready[:SAMPLES]]


@dataclass
class NoticeTally:
    """How a run ended."""

    sent: int = 0
    already: int = 0
    failed: int = 0
    skipped: int = 0
    #: Claimed by another run that is sending it right now (or stopped less than a minute ago).
    in_flight: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Audience:
    """Who a notice run considers: merchants named outright (listed or linked), merchants a
    service found for the match fields (each still checked against every field), and the
    fields no service can search."""

    named: tuple[str, ...]
    found: tuple[str, ...]
    unsearchable: tuple[str, ...]

    @property
    def merchant_ids(self) -> list[str]:
        """Every merchant considered, each once, in id order."""
        return sorted({*self.named, *self.found})


async def audience_of(
    incident: Incident, store: Store, services: Services, gather: Gather
) -> Audience:
    """The merchants the issue may affect (see `Audience`)."""
    rule = MatchRule.of(incident)
    named: set[str] = set(rule.merchants)
    named.update(link.ref for link in await store.incidents.links(incident.id, kind="merchant"))
    searched: list[set[str]] = []
    unsearchable: list[str] = []
    for name, values in rule.fields.items():
        where = SEARCHABLE.get(name)
        if where is None:
            unsearchable.append(name)
            continue
        service, path, parameter = where
        client = getattr(services, service)
        results = await gather(*(client.get(path, params={parameter: v}) for v in values))
        found: set[str] = set()
        for result in results:
            found.update(_ids(result))
        searched.append(found)
    found = set.intersection(*searched) if searched else set()
    return Audience(tuple(sorted(named)), tuple(sorted(found)), tuple(unsearchable))


def _ids(result: ServiceResult[Any]) -> list[str]:
    if not result.ok or not isinstance(result.data, dict):
        return []
    return [str(i) for i in result.data.get("merchant_ids", []) if isinstance(i, str)]


def contact_of(facts: MerchantFacts) -> tuple[str, str] | None:
    """(channel, address) to notify the merchant: email, else SMS to the first phone."""
    if facts.email:
        return "email", facts.email
    if facts.phones:
        return "sms", facts.phones[0]
    return None


def incident_values(incident: Incident) -> dict[str, str | None]:
    """The placeholders a notice about an issue has beside the merchant's."""
    return {
        "incident_ref": incident.ref,
        "incident_title": incident.title,
        "incident_summary": incident.summary or None,
        "incident_workaround": incident.workaround or None,
        "incident_status": incident.status,
    }


def incident_subject(incident: Incident, store: Store) -> NoticeSubject:
    """A known issue as the subject of a notice."""
    values = incident_values(incident)
    return NoticeSubject(
        "incident",
        incident.id,
        incident.ref,
        incident.title,
        values,
        store.incidents.notices_ledger,
    )


async def plan_notice(
    subject: NoticeSubject,
    snippet: Snippet,
    audience: Audience,
    *,
    services: Services,
    gather: Gather,
    agent_name: str,
    still_concerned: Callable[[MerchantFacts], bool] | None = None,
) -> NoticePlan:
    """Look every merchant up and render its notice (the dry run). A merchant a service found
    (not named outright) is kept only if `still_concerned` says so (an issue's match rule)."""
    plan = NoticePlan(subject, snippet, unsearchable=list(audience.unsearchable))
    named = set(audience.named)
    extra = dict(subject.values)
    limiter = asyncio.Semaphore(LOOKUPS_AT_ONCE)

    async def one(merchant_id: str) -> tuple[str, ServiceResult[Any], MerchantFacts]:
        async with limiter:
            profile, facts = await lookup_facts(services, gather, merchant_id)
        return merchant_id, profile, facts

    looked_up = await asyncio.gather(*(one(m) for m in audience.merchant_ids))
    for merchant_id, profile, facts in looked_up:
        if not profile.ok:
            why = "no such merchant" if profile.not_found else "the merchants service failed"
            plan.problems.append((merchant_id, why))
            continue
        keep = still_concerned is None or still_concerned(facts)
        if merchant_id not in named and not keep:
            continue  # found by a search, but another field (or a later change) rules it out
        if contact_of(facts) is None:
            plan.no_contact.append(merchant_id)
            continue
        try:
            rendered = render_snippet(snippet, facts, {}, agent_name=agent_name, extra=extra)
        except TemplateRefused as refused:
            plan.problems.append((merchant_id, str(refused)))
            continue
        plan.ready.append((facts, rendered))
    return plan


def notice_key(subject: NoticeSubject, merchant_id: str, key: str, version: int) -> str:
    """The idempotency key of one notice: the same subject, merchant and snippet version, the
    same key, on every replica (an issue's keys are as they were before requests had any)."""
    kind = "" if subject.kind == "incident" else f"{subject.kind}:"
    text = f"notice:{kind}{subject.id}:{merchant_id}:{key}:{version}"
    return hashlib.sha256(text.encode()).hexdigest()[:48]


def _notice(
    subject: NoticeSubject, snippet: Snippet, merchant_id: str, by: str, **more: Any
) -> Notice:
    return Notice(
        subject_id=subject.id,
        merchant_id=merchant_id,
        snippet_key=snippet.key,
        snippet_version=snippet.version,
        idempotency_key=notice_key(subject, merchant_id, snippet.key, snippet.version),
        by=by,
        claimed_at=datetime.now(UTC),
        **more,
    )


@dataclass(frozen=True)
class Sender:
    """Who runs a notice: the name kept on each notice, and the timeline's actor and run."""

    name: str
    user_id: str
    request_id: str | None = None


async def send_notices(
    plan: NoticePlan,
    *,
    store: Store,
    services: Services,
    gather: Gather,
    by: Sender,
    rate_per_s: float,
    progress: Progress | None = None,
    remaining: Callable[[], float] | None = None,
) -> NoticeTally:
    """Send every ready notice at most `rate_per_s` a second, each exactly once (see the module
    docstring); merchants with no contact are recorded as skipped. Stops early, leaving the rest
    for a retry, when `remaining()` (the command's time left) runs out."""
    tally = NoticeTally()
    subject, snippet = plan.subject, plan.snippet
    ledger = subject.ledger
    total = len(plan.ready)
    pause = 1.0 / rate_per_s
    loop = asyncio.get_running_loop()
    next_at = loop.time()
    for done, (facts, rendered) in enumerate(plan.ready, start=1):
        if remaining is not None and remaining() < 1.0:
            tally.failures.append(("…", "the run ran out of time; run it again to send the rest"))
            tally.failed += total - done + 1
            break
        channel, address = contact_of(facts) or ("email", "")
        shown = mask_email(address) if channel == "email" else mask_phone(address)
        notice = _notice(
            subject, snippet, facts.merchant_id, by.name, channel=channel, destination=shown
        )
        claim = await ledger.claim(notice)
        if not claim.won:
            if claim.notice.state == "sending":
                tally.in_flight += 1
            else:
                tally.already += 1
        else:
            delay = next_at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            next_at = max(next_at, loop.time()) + pause
            sent = _Send(subject, claim.notice, (channel, address), rendered)
            await _send_one(store, services, gather, sent, by, tally)
        if progress is not None:
            await progress(done, total)
    for merchant_id in plan.no_contact:
        why = "no email or phone on file"
        notice = _notice(subject, snippet, merchant_id, by.name, state="skipped", detail=why)
        claim = await ledger.claim(notice)
        if claim.won:
            await ledger.finish(notice, state="skipped", detail=why)
            await _on_timeline(store, subject, notice, by, "skipped", why)
        tally.skipped += 1
    return tally


@dataclass(frozen=True)
class _Send:
    subject: NoticeSubject
    notice: Notice
    contact: tuple[str, str]
    rendered: RenderedSnippet


async def _send_one(
    store: Store,
    services: Services,
    gather: Gather,
    send: _Send,
    by: Sender,
    tally: NoticeTally,
) -> None:
    channel, address = send.contact
    notice = send.notice
    body = {
        "merchant_id": notice.merchant_id,
        "channel": channel,
        "to": address,
        "subject": (
            f"{send.subject.ref}: {send.rendered.snippet.title}"[:200]
            if channel == "email"
            else None
        ),
        "text": send.rendered.text,
    }
    (result,) = await gather(
        services.notifications.post(
            "/notifications", json=body, headers={"Idempotency-Key": notice.idempotency_key}
        )
    )
    if result.ok:
        tally.sent += 1
        state, detail = "sent", str((result.data or {}).get("notification_id", ""))
    else:
        tally.failed += 1
        detail = str(result.error) if result.error is not None else "failed"
        tally.failures.append((notice.merchant_id, detail))
        state = "failed"
    await send.subject.ledger.finish(notice, state=state, detail=detail)
    await _on_timeline(store, send.subject, notice, by, state, detail)


async def _on_timeline(
    store: Store, subject: NoticeSubject, notice: Notice, by: Sender, state: str, detail: str
) -> None:
    """The notice on the merchant's timeline: once per (notice, outcome), whoever retries."""
    where = f" by {notice.channel} to {notice.destination}" if notice.destination else ""
    what = {
        "sent": f"sent{where}",
        "failed": f"failed{where}: {detail[:120]}",
        "skipped": f"not sent: {detail[:120]}",
    }[state]
    event = TimelineEvent(
        event_key=f"notice:{notice.idempotency_key}:{state}",
        merchant_id=notice.merchant_id,
        at=datetime.now(UTC),
        kind="notice",
        actor_id=by.user_id,
        actor_name=by.name,
        request_id=by.request_id,
        summary=mask_text(
            f"Notice about {subject.ref} ({subject.title[:80]}) {what}"
            f" · {notice.snippet_key} v{notice.snippet_version}"
        ),
        detail={"subject": subject.kind, "ref": subject.ref, "state": state},
    )
    await store.record.add_events(event)
