"""`ctx.knowledge`: what commands use of snippets, known issues and bulk notices.

A plugin API: the bundled `/snippet`, `/incident` and `/incidents` commands use only this (and
the public face), so a team's own commands can too. Problems the user can fix raise UsageError
with the sentence to show; nothing here raises anything else for what a user typed.
"""

from __future__ import annotations

import difflib
import logging
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from supportbot.core.errors import UsageError
from supportbot.core.knowledge_settings import KnowledgeSettings
from supportbot.core.message import User
from supportbot.core.posting import ChannelPoster
from supportbot.core.registry import Preview
from supportbot.core.reply import Outcome, Reply
from supportbot.core.settings import Settings, knowledge_settings
from supportbot.services.clients import ServiceResult, Services
from supportbot.storage import Incident, IncidentEvent, Snippet, SnippetConflict, SnippetUse, Store

from . import wording as messages
from .banner import BannerRead
from .bulletins import Bulletins
from .facts import PLACEHOLDERS, Gather, MerchantFacts, facts_from_answers, lookup_facts
from .incidents import (
    STATUSES,
    MatchRule,
    parse_match,
    parse_merchant_list,
    parse_ref,
)
from .notices import (
    Audience,
    NoticePlan,
    NoticeSubject,
    NoticeTally,
    Progress,
    Sender,
    audience_of,
    incident_subject,
    plan_notice,
    send_notices,
)
from .requests import FeatureRequestDesk
from .snippets import (
    RenderedSnippet,
    check_key,
    check_snippet,
    parse_values,
    rank_snippets,
    render_snippet,
)
from .templates import TemplateRefused

__all__ = ["BannerRead", "Knowledge"]  # BannerRead: re-exported from .banner

log = logging.getLogger("supportbot.record")


def _usage(error: Exception) -> UsageError:
    return UsageError(str(error))


class Knowledge(Bulletins):
    """Snippets, known issues, bulk notices, early warnings and the daily share for one command
    run (`ctx.knowledge`)."""

    def __init__(
        self,
        *,
        store: Store | None,
        services: Services,
        gather: Gather,
        settings: Settings,
        user: User,
        request_id: str,
        remaining: Callable[[], float],
        poster: ChannelPoster | None = None,
        about: Callable[[str], None] = lambda subject: None,
    ) -> None:
        self._store = store
        #: Told the merchant or the issue this run turned out to be about (for its audit record).
        self._about = about
        self._services = services
        self._gather = gather
        self._settings = settings
        self._user = user
        self._request_id = request_id
        self._remaining = remaining
        self._poster = poster

    @property
    def store(self) -> Store:
        """The database; UsageError when the bot runs without one."""
        if self._store is None:
            raise UsageError(
                "Snippets and known issues live in the database, and this bot runs without one. "
                "Start it with a database (the default SQLite file will do)."
            )
        return self._store

    @property
    def settings(self) -> KnowledgeSettings:
        """The `[knowledge]` table of the configuration."""
        return knowledge_settings(self._settings)

    # --- facts -------------------------------------------------------------------------------

    async def lookup(self, merchant_id: str) -> tuple[ServiceResult[Any], MerchantFacts]:
        """A live lookup of one merchant (four services at once): the profile's result and the
        facts (placeholders, match fields, contacts)."""
        return await lookup_facts(self._services, self._gather, merchant_id)

    async def merchant_id_of(self, kind: str, value: str, shown: str) -> str:
        """The merchant id behind a phone, an email or an id (`MerchantRef.kind`, `.value`);
        UsageError when none or several merchants have it, or the search failed."""
        if kind == "merchant_id":
            self._about(value)
            return value
        (search,) = await self._gather(
            self._services.merchants.get("/merchants", params={kind: value})
        )
        if not search.ok or not isinstance(search.data, dict):
            raise UsageError(f"Could not search merchants by {shown}; try the merchant id.")
        found = [m.get("id") for m in search.data.get("merchants", []) if isinstance(m, dict)]
        ids = [str(i) for i in found if i]
        if not ids:
            raise UsageError(f"No merchant found with {shown}; try the merchant id (M-10001).")
        if len(ids) > 1:
            raise UsageError(
                f"{len(ids)} merchants have {shown} ({', '.join(ids[:5])}); give the merchant id."
            )
        self._about(ids[0])
        return ids[0]

    @staticmethod
    def facts(
        merchant_id: str,
        profile: Mapping[str, Any] | None,
        account: Mapping[str, Any] | None,
        devices: Sequence[Mapping[str, Any]] | None,
        transactions: Sequence[Mapping[str, Any]] | None,
    ) -> MerchantFacts:
        """Facts from answers a command already has (the `/merchant` card), asking nothing."""
        return facts_from_answers(merchant_id, profile, account, devices, transactions)

    # --- snippets ----------------------------------------------------------------------------

    async def snippet(self, key: str) -> Snippet:
        """The newest version of `key`; UsageError (with close keys) when there is none."""
        try:
            normal = check_key(key)
        except TemplateRefused as refused:
            raise _usage(refused) from None
        found = await self.store.snippets.current(normal)
        if found is None:
            keys = [s.key for s in await self.store.snippets.library()]
            close = difflib.get_close_matches(normal, keys, n=3, cutoff=0.5)
            close += [k for k in keys if normal in k and k not in close][: 3 - len(close)]
            raise UsageError(messages.unknown_snippet(key, close))
        return found

    async def search_snippets(self, query: str | None) -> list[tuple[Snippet, int]]:
        """The library ranked for `query` (see `rank_snippets`), each with its use count."""
        library = await self.store.snippets.library()
        uses = await self.store.snippets.use_counts()
        return [(s, uses.get(s.key, 0)) for s in rank_snippets(library, query, uses)]

    async def render(
        self,
        key: str,
        merchant_id: str,
        words: Sequence[str],
        *,
        interaction_id: str | None = None,
    ) -> RenderedSnippet:
        """Render `key` for `merchant_id` from a live lookup and the `name=value` words, count
        the use (attached to `interaction_id` when one is open); UsageError naming what stops it
        (an ask not given, a placeholder unknown or empty, the merchant not found)."""
        snippet = await self.snippet(key)
        try:
            given = parse_values(words)
        except ValueError as error:
            raise _usage(error) from None
        profile, facts = await self.lookup(merchant_id)
        if profile.not_found:
            raise UsageError(f"No merchant {merchant_id}; nothing was rendered.")
        if interaction_id is None:
            # counted in the agent's open interaction with this merchant, as runs are (`runs`)
            open_now = await self.store.record.open_interaction_of(self._user.id)
            if open_now is not None and open_now.merchant_id == merchant_id:
                interaction_id = open_now.ref
        try:
            rendered = render_snippet(snippet, facts, given, agent_name=self._user.display)
        except TemplateRefused as refused:
            failed = f" ({', '.join(facts.failed)} did not answer)" if facts.failed else ""
            raise UsageError(
                f"{refused}{failed}", example=_with_asks(snippet, merchant_id, given, refused)
            ) from None
        await self.store.snippets.record_use(
            SnippetUse(
                request_id=self._request_id,
                key=snippet.key,
                version=snippet.version,
                user_id=self._user.id,
                merchant_id=merchant_id,
                interaction_id=interaction_id,
                at=datetime.now(UTC),
            )
        )
        return replace(rendered, interaction_ref=interaction_id)

    async def save_snippet(
        self,
        key: str,
        body: str,
        *,
        title: str | None = None,
        asks: Mapping[str, str] | None = None,
        new: bool,
    ) -> Snippet:
        """Add a snippet (`new`) or a new version of one; the body is checked first."""
        try:
            normal = check_key(key)
        except TemplateRefused as refused:
            raise _usage(refused) from None
        current = await self.store.snippets.current(normal)
        if new and current is not None:
            raise UsageError(messages.snippet_exists(normal, current.version))
        if not new and current is None:
            await self.snippet(normal)  # raises "no snippet ... did you mean"
        keep_asks = dict(asks) if asks is not None else dict(current.asks or {}) if current else {}
        try:
            check_snippet(body, keep_asks)
        except TemplateRefused as refused:
            raise _usage(refused) from None
        try:
            return await self.store.snippets.save(
                key=normal,
                title=(title or (current.title if current else normal))[:200],
                body=body,
                owner=current.owner if current else self._user.display,
                by=self._user.display,
                asks=keep_asks or None,
                after_version=current.version if current else 0,
            )
        except SnippetConflict as conflict:
            now = conflict.current
            raise UsageError(
                messages.snippet_changed(normal, now.version if now else 0, now.created_by)
                if now
                else messages.unknown_snippet(normal, [])
            ) from None

    @staticmethod
    def placeholders() -> dict[str, str]:
        """Every placeholder a snippet may use, with what it holds."""
        return dict(PLACEHOLDERS)

    # --- known issues ------------------------------------------------------------------------

    async def incident(self, ref: str) -> Incident:
        """The issue `ref` (KI-3 or 3); UsageError when there is none."""
        try:
            number = parse_ref(ref)
        except ValueError as error:
            raise _usage(error) from None
        found = await self.store.incidents.get(number)
        if found is None:
            raise UsageError(messages.unknown_incident(ref))
        self._about(found.ref)
        return found

    @staticmethod
    def match_rule(fields: Sequence[str], *, tag: str | None, merchants: str) -> MatchRule:
        """The rule of `--match` parts (`device_model=PAX A920`), a tag and a merchant list;
        UsageError naming a part that cannot be read."""
        try:
            return MatchRule(parse_match(fields), tag, parse_merchant_list(merchants))
        except ValueError as error:
            raise _usage(error) from None

    @staticmethod
    def describe_rule(incident: Incident) -> str:
        """Who an issue affects, in words."""
        rule = MatchRule.of(incident)
        parts = [f"{name} is {' or '.join(values)}" for name, values in rule.fields.items()]
        if rule.tag:
            parts.append(f"contacts tagged {rule.tag}")
        if rule.merchants:
            shown = ", ".join(rule.merchants[:5])
            more = f" and {len(rule.merchants) - 5} more" if len(rule.merchants) > 5 else ""
            parts.append(f"merchants {shown}{more}")
        return "; ".join(parts) or "linked contacts only"

    async def active_incidents(self) -> list[Incident]:
        """The issues not yet resolved, newest first."""
        return await self.store.incidents.active()

    async def open_incident(
        self,
        title: str,
        rule: MatchRule,
        *,
        summary: str = "",
        workaround: str = "",
        snippet_key: str | None = None,
        services: Sequence[str] = (),
        tags: Sequence[str] = (),
    ) -> Incident:
        """Open KI-n, investigating."""
        if snippet_key is not None:
            snippet_key = (await self.snippet(snippet_key)).key
        opened = await self.store.incidents.open(
            title=title,
            by=self._user.display,
            status=STATUSES[0],
            summary=summary,
            workaround=workaround,
            snippet_key=snippet_key,
            services=list(services),
            tags=list(tags),
            match=rule.as_json(),
        )
        self._about(opened.ref)
        return opened

    async def move_incident(self, ref: str, status: str, note: str = "") -> tuple[Incident, str]:
        """Move `ref` to `status`; the issue after, and the status before."""
        incident = await self.incident(ref)
        wanted = status.strip().lower()
        if wanted not in STATUSES:
            raise UsageError(messages.bad_status(status, STATUSES))
        if wanted == incident.status:
            raise UsageError(messages.status_unchanged(incident.ref, wanted))
        moved = await self.store.incidents.move(
            incident.id,
            from_status=incident.status,
            to_status=wanted,
            by=self._user.display,
            note=note,
        )
        if not moved:
            raise UsageError(messages.status_raced(incident.ref))
        after = await self.store.incidents.get(incident.id)
        assert after is not None
        return after, incident.status

    async def history(self, incident: Incident) -> list[IncidentEvent]:
        """Every status change of `incident`, oldest first."""
        return await self.store.incidents.history(incident.id)

    async def link(self, ref: str, kind: str, target: str) -> tuple[Incident, bool]:
        """Link a merchant or an interaction to `ref`; whether it was new."""
        incident = await self.incident(ref)
        added = await self.store.incidents.link(
            incident.id, kind=kind, ref=target, by=self._user.display
        )
        if kind == "merchant":
            self._about(target)
        return incident, added

    def banners(self, merchant_id: str | None) -> BannerRead:
        """Start reading the active issues (and the merchant's links) now, concurrently with the
        card's service calls; `await read.lines(facts)` then gives the banner lines of the issues
        that match. Empty when none does, or the database cannot say: a card is never held up
        or lost for its banner."""
        return BannerRead(self._store, merchant_id)

    # --- bulk notices ------------------------------------------------------------------------

    async def plan_notice(self, ref: str, snippet_key: str | None) -> NoticePlan:
        """The dry run of a notice about `ref` with `snippet_key` (or the issue's snippet)."""
        incident = await self.incident(ref)
        key = snippet_key or incident.snippet_key
        if not key:
            raise UsageError(messages.notify_needs_snippet(incident.ref))
        snippet = await self.snippet(key)
        audience = await audience_of(incident, self.store, self._services, self._gather)
        return await self.plan_for(
            incident_subject(incident, self.store),
            snippet,
            audience,
            still_concerned=MatchRule.of(incident).matches,
        )

    async def plan_for(
        self,
        subject: NoticeSubject,
        snippet: Snippet,
        audience: Audience,
        *,
        still_concerned: Callable[[MerchantFacts], bool] | None = None,
    ) -> NoticePlan:
        """The dry run of a notice about any subject (an issue, a shipped request)."""
        limit = self.settings.notify_max
        if len(audience.merchant_ids) > limit:
            raise UsageError(messages.too_many_to_notify(len(audience.merchant_ids), limit))
        return await plan_notice(
            subject,
            snippet,
            audience,
            services=self._services,
            gather=self._gather,
            agent_name=self._user.display,
            still_concerned=still_concerned,
        )

    def notice_preview(self, plan: NoticePlan) -> Preview | Reply:
        """The question before a notice run: `{count}`, `{ref}`, `{key}`, `{version}` and
        `{details}` (three samples, who has no contact, who could not be rendered) for the
        command's `confirm=` template, and a lead's approval above `notify_approval_over`; a
        reply that nothing would be sent when no merchant is ready."""
        count = len(plan.ready)
        if count == 0:
            return Reply(
                outcome=Outcome.NOT_FOUND,
                text=messages.nobody_to_notify(plan.subject.ref, len(plan.no_contact)),
            )
        values = {
            "count": f"{count:,}",
            "ref": plan.subject.ref,
            "key": plan.snippet.key,
            "version": str(plan.snippet.version),
            "details": messages.notice_details(
                [(r.merchant_id, r.text) for r in plan.samples], plan.no_contact, plan.problems
            ),
        }
        over = count > self.settings.notify_approval_over
        return Preview(values=values, approval="lead" if over else None)

    async def send_notice(self, plan: NoticePlan, progress: Progress | None) -> NoticeTally:
        """Send `plan`, each notice exactly once, at the configured pace."""
        return await send_notices(
            plan,
            store=self.store,
            services=self._services,
            gather=self._gather,
            by=Sender(self._user.display, self._user.id, self._request_id),
            rate_per_s=self.settings.notify_rate_per_s,
            progress=progress,
            remaining=self._remaining,
        )

    @staticmethod
    def notice_result(plan: NoticePlan, tally: NoticeTally) -> Reply:
        """How a notice run ended, in one reply (an error when any send failed)."""
        text = messages.notice_tally(
            plan.subject.ref,
            sent=tally.sent,
            failed=tally.failed,
            skipped=tally.skipped,
            already=tally.already,
            in_flight=tally.in_flight,
            failures=tally.failures,
        )
        return Reply(
            outcome=Outcome.ERROR if tally.failed else Outcome.OK,
            text=text,
            footer=f"{plan.snippet.key} v{plan.snippet.version}",
        )

    # --- feature requests --------------------------------------------------------------------

    @property
    def requests(self) -> FeatureRequestDesk:
        """Feature requests (R-n): recording asks, ranking, shipping, telling who asked."""
        return FeatureRequestDesk(self, self.store, self._user, self._request_id)


def _with_asks(
    snippet: Snippet, merchant_id: str, given: Mapping[str, str], refused: TemplateRefused
) -> str | None:
    """The line to type when asks are missing: the agent's own values, then each missing ask
    as name=... (None when that is not why the snippet was refused)."""
    if not refused.missing:
        return None
    words = [f"{name}={shlex.quote(value)}" for name, value in given.items() if value]
    words += [f"{name}=..." for name in refused.missing]
    return f"/snippet {snippet.key} {merchant_id} " + " ".join(words)
