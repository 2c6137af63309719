"""Feature requests (`ctx.knowledge.requests`): what merchants asked for, counted by distinct
merchants, and told when it shipped.

Recording an ask first looks for an open request it is the same as (`request_matching`: same
tag, similar words); it joins that one, or opens R-n. Each ask goes on the merchant's timeline
(attached to the agent's open interaction with that merchant). Shipping moves a request from
open to shipped once and sends nothing; `plan_notice` is then the same dry run as a known
issue's, over the merchants who asked, and `Knowledge.send_notice` sends it exactly once per
(request, merchant, snippet version) through the same ledger rules and notifications service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from supportbot.core.errors import UsageError
from supportbot.core.masking import mask_text
from supportbot.core.message import User
from supportbot.storage import FeatureAsk, FeatureRequest, RecordedAsk, Store, TimelineEvent

from . import wording as messages
from .notices import Audience, NoticePlan, NoticeSubject
from .request_matching import Candidate, best_match, parse_request_ref, parse_request_text

if TYPE_CHECKING:
    from .facade import Knowledge

__all__ = ["AskResult", "FeatureRequestDesk", "request_subject"]


@dataclass(frozen=True)
class AskResult:
    """What recording an ask did: `recorded` (the request, its merchants, whether it was
    opened now) and, when it joined an existing request, the similarity score that chose it;
    or `refused`, the sentence saying why nothing was recorded (`--to` a shipped request)."""

    recorded: RecordedAsk | None
    score: float | None = None
    refused: str | None = None


def request_subject(request: FeatureRequest, store: Store) -> NoticeSubject:
    """A shipped feature request as the subject of a notice."""
    values: dict[str, str | None] = {
        "request_ref": request.ref,
        "request_title": request.title,
        "request_tag": request.tag,
        "request_note": request.ship_note or None,
    }
    ledger = store.requests.notices_ledger
    return NoticeSubject("request", request.id, request.ref, request.title, values, ledger)


class FeatureRequestDesk:
    """Feature requests for one command run."""

    def __init__(self, knowledge: Knowledge, store: Store, user: User, run_id: str) -> None:
        self._knowledge = knowledge
        self._store = store
        self._user = user
        self._run_id = run_id

    @staticmethod
    def parse(words: str) -> tuple[str, str | None]:
        """The text and `#tag` of an ask; UsageError naming what is wrong."""
        try:
            return parse_request_text(words)
        except ValueError as error:
            raise UsageError(str(error)) from None

    async def get(self, ref: str) -> FeatureRequest:
        """The request `ref` (R-4 or 4); UsageError when there is none."""
        try:
            number = parse_request_ref(ref)
        except ValueError as error:
            raise UsageError(str(error)) from None
        found = await self._store.requests.get(number)
        if found is None:
            raise UsageError(messages.unknown_request(ref))
        self._knowledge.about(found.ref)
        return found

    async def record(
        self, merchant_id: str, text: str, tag: str | None, *, new: bool = False, to: str | None
    ) -> AskResult:
        """Record that `merchant_id` asked for `text`: on `to` (R-n) when given, else on the
        open request it is the same as (unless `new`), else on a new R-n."""
        self._knowledge.about(merchant_id)
        ask = FeatureAsk(
            request_id=0,
            merchant_id=merchant_id,
            text=text,
            by=self._user.display,
            at=datetime.now(UTC),
            run_id=self._run_id,
        )
        requests = self._store.requests
        score: float | None = None
        target: FeatureRequest | None = None
        if to is not None:
            target = await self.get(to)
            if target.status != "open":
                return AskResult(None, refused=self._not_open(target))
        elif not new:
            ranked = dict((r.id, n) for r, n in await requests.ranked(tag=tag, limit=500))
            candidates = [
                Candidate(r.id, r.title, ranked.get(r.id, 0))
                for r in await requests.open_with_tag(tag)
            ]
            threshold = self._knowledge.settings.request_similarity
            match = best_match(text, candidates, threshold)
            if match is not None:
                target = await requests.get(match[0].request_id)
                score = match[1]
        recorded: RecordedAsk | None = None
        if target is not None:
            recorded = await requests.add_ask(_on(ask, target.id))
            if recorded is None and to is not None:  # it shipped between the read and the add
                return AskResult(None, refused=self._not_open(await self.get(target.ref)))
        if recorded is None:  # no match, or the match shipped meanwhile: a new request
            recorded = await requests.open(title=text, tag=tag, ask=ask)
            score = None
        if not recorded.repeated:
            await self._on_timeline(merchant_id, recorded, text)
        return AskResult(recorded, score)

    async def _on_timeline(self, merchant_id: str, recorded: RecordedAsk, text: str) -> None:
        request = recorded.request
        open_now = await self._store.record.open_interaction_of(self._user.id)
        attached = (
            open_now.ref if open_now is not None and open_now.merchant_id == merchant_id else None
        )
        tag = f" #{request.tag}" if request.tag else ""
        n = recorded.merchants
        how = "new request" if recorded.opened else f"now {n} merchant{'s' if n != 1 else ''}"
        event = TimelineEvent(
            event_key=f"request:{self._run_id}",
            merchant_id=merchant_id,
            at=datetime.now(UTC),
            kind="request",
            actor_id=self._user.id,
            actor_name=self._user.display,
            interaction_ref=attached,
            request_id=self._run_id,
            summary=mask_text(f"Asked for {request.ref}{tag} ({how}): {text[:200]}"),
            detail={"request": request.ref, "opened": recorded.opened},
        )
        await self._store.record.add_events(event)

    async def ranked(self, tag: str | None) -> list[tuple[FeatureRequest, int]]:
        """The open requests (of `tag`), most distinct merchants first."""
        return await self._store.requests.ranked(tag=tag)

    async def ship(self, ref: str, note: str) -> tuple[FeatureRequest, str | None]:
        """Mark `ref` shipped (once; nothing is sent): the request after, and the sentence
        saying why nothing changed when it had shipped already."""
        request = await self.get(ref)
        if request.status != "open":
            return request, self._not_open(request)
        if not await self._store.requests.ship(request.id, by=self._user.display, note=note):
            return await self.get(request.ref), messages.request_raced(request.ref)
        return await self.get(request.ref), None

    async def plan_notice(self, ref: str, snippet_key: str | None) -> NoticePlan | str:
        """The dry run of telling every merchant who asked for `ref` that it shipped; the
        sentence saying why not when it has not shipped."""
        request = await self.get(ref)
        if request.status != "shipped":
            return messages.request_still_open(request.ref)
        key = snippet_key or self._knowledge.settings.request_notice_snippet
        snippet = await self._knowledge.snippet(key)
        merchants = await self._store.requests.merchants(request.id)
        audience = Audience(tuple(merchants), (), ())
        return await self._knowledge.plan_for(
            request_subject(request, self._store), snippet, audience
        )

    @staticmethod
    def _not_open(request: FeatureRequest) -> str:
        when = request.shipped_at.strftime("%d %b %Y") if request.shipped_at else "earlier"
        return messages.request_not_open(request.ref, request.shipped_by, when)


def _on(ask: FeatureAsk, request_id: int) -> FeatureAsk:
    return FeatureAsk(
        request_id=request_id,
        merchant_id=ask.merchant_id,
        text=ask.text,
        by=ask.by,
        at=ask.at,
        run_id=ask.run_id,
    )
