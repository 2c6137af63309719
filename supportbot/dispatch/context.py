"""The context a command receives: who asked, the services, the store, and the deadline.

A command reaches the world only through it, so the same handler runs in Slack, in the terminal
and in tests.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar, overload

from supportbot.access.roles import allowed_roles
from supportbot.core.argtypes import MerchantRef
from supportbot.core.errors import UsageError
from supportbot.core.message import Message, User
from supportbot.core.outlets import LeadsOutlet, LogLeadsOutlet
from supportbot.core.posting import ChannelPoster
from supportbot.core.progress import ProgressOutlet, ProgressUpdate
from supportbot.core.settings import Settings, kpi_settings
from supportbot.record.finder import MerchantFinder, MerchantMatch
from supportbot.record.knowledge.facade import Knowledge
from supportbot.services.clients import ServiceResult, Services, gather

from .notes import RunNotes

if TYPE_CHECKING:
    from supportbot.actions.desk import ActionDesk
    from supportbot.core.registry import CommandRegistry, CommandSpec
    from supportbot.record.desk import RecordDesk
    from supportbot.storage import Store

__all__ = ["Context", "answer_reserve"]

A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")
D = TypeVar("D")
T = TypeVar("T")


def answer_reserve(timeout_s: float) -> float:
    """The time held back at the end of a run's deadline of `timeout_s` so that the run still
    answers with what it has when services (or the database) are slow: a tenth, at most half a
    second."""
    return min(0.5, 0.1 * timeout_s)


class Context:
    """What a running command can use. Built by the dispatcher, one per command run."""

    def __init__(
        self,
        *,
        message: Message,
        spec: CommandSpec,
        settings: Settings,
        services: Services,
        store: Store | None,
        commands: CommandRegistry,
        request_id: str,
        deadline: float,
        timeout_s: float,
        idempotency_key: str | None = None,
        actions: ActionDesk | None = None,
        roles: frozenset[str] = frozenset(),
        notes: RunNotes | None = None,
        progress_outlet: ProgressOutlet | None = None,
        poster: ChannelPoster | None = None,
        leads_outlet: LeadsOutlet | None = None,
    ) -> None:
        self.message = message
        self.spec = spec
        self.settings = settings
        self.services = services
        self.store = store
        self.commands = commands
        self.request_id = request_id
        self.deadline = deadline
        #: The whole deadline of this run in seconds, as configured.
        self.timeout_s = timeout_s
        self.idempotency_key = idempotency_key
        #: Approvals and escalations (`/approve`, `/reject`, `/escalate` use it).
        self.actions = actions
        #: The requester's roles (the default role included), worked out once per run.
        self.roles = roles
        # What the command learns that the audit record needs; the run's notes keep it.
        self._notes = notes if notes is not None else RunNotes()
        self._record: RecordDesk | None = None
        self._progress_outlet = progress_outlet
        self._poster = poster
        #: Where a low CSAT rating is told (the log without an adapter's outlet).
        self.leads_outlet: LeadsOutlet = leads_outlet or LogLeadsOutlet()
        self._knowledge: Knowledge | None = None
        self._finder: MerchantFinder | None = None

    def _about(self, subject: str) -> None:
        """The run turned out to be about `subject` (a merchant id, an issue): its audit record
        and the support record say so. Told by the framework (the merchant finder, the record,
        the knowledge desk), never set by a command; without it the audit link takes the first
        id among the arguments."""
        self._notes.audit_target = subject

    async def find_merchant(
        self, who: MerchantRef, *, pick: str = "/merchant {id}"
    ) -> MerchantMatch:
        """The one merchant `who` (a phone, an email or an id) refers to, or the reply to give
        instead: `if match.answer: return match.answer`. A phone or email is searched in the
        merchants service, and a number the team saved (`/alias`) counts as a match; several
        matches give a pick-list whose lines run `pick` (`{id}`: the merchant id); none gives
        "No merchant found with ...". A merchant id is taken as it is, without a call (fetch its
        profile with the rest of the card; `match.not_found()` answers a 404). Asked twice in
        one run, it answers from the first time."""
        if self._finder is None:
            saved = self.record.saved_number if self.store is not None else None
            self._finder = MerchantFinder(self.services, self.gather, saved, self._about)
        return await self._finder.find(who, pick=pick)

    @property
    def record(self) -> RecordDesk:
        """The support record for this run: interactions, notes, tags, learnt numbers, the
        timeline (see `supportbot.record.desk.RecordDesk`). UsageError without a database."""
        if self._record is None:
            from supportbot.record import wording as messages
            from supportbot.record.desk import RecordDesk
            from supportbot.record.settings import record_settings
            from supportbot.record.sla import SlaClock

            if self.store is None:
                raise UsageError(messages.record_needs_database())

            kpi = kpi_settings(self.settings)

            def handled() -> None:
                self._notes.record_handled = True

            self._record = RecordDesk(
                store=self.store,
                settings=record_settings(self.settings),
                user=self.user,
                request_id=self.request_id,
                roles=self.roles,
                region=self.settings.phone_region,
                on_write=handled,
                clock=SlaClock.of(kpi),
                tell_leads=self.leads_outlet.post,
                csat_alert_at=kpi.csat_alert_at,
                on_subject=self._about,
            )
        return self._record

    @property
    def service_failures(self) -> list[ServiceResult[Any]]:
        """Every service result that failed (404 excepted), in call order; the dispatcher turns
        them into warnings on the reply and into the audit record."""
        return self._notes.service_failures

    @property
    def user(self) -> User:
        """The person who sent the command."""
        return self.message.user

    def may_run(self, spec: CommandSpec) -> bool:
        """Whether the requester's roles allow `spec` (e.g. to list only what they may run)."""
        allowed = allowed_roles(spec, self.settings)
        return allowed is None or not allowed.isdisjoint(self.roles)

    def remaining(self) -> float:
        """Seconds left for service calls before the command's deadline (never negative).

        A little time is held back (a tenth, at most half a second) so that, when services are
        slow, the command still has time to answer with what it has instead of timing out whole.
        """
        left = self.deadline - asyncio.get_running_loop().time()
        return max(0.0, left - answer_reserve(self.timeout_s))

    @overload
    async def gather(self, a: Awaitable[ServiceResult[A]], /) -> tuple[ServiceResult[A]]: ...
    @overload
    async def gather(
        self, a: Awaitable[ServiceResult[A]], b: Awaitable[ServiceResult[B]], /
    ) -> tuple[ServiceResult[A], ServiceResult[B]]: ...
    @overload
    async def gather(
        self,
        a: Awaitable[ServiceResult[A]],
        b: Awaitable[ServiceResult[B]],
        c: Awaitable[ServiceResult[C]],
        /,
    ) -> tuple[ServiceResult[A], ServiceResult[B], ServiceResult[C]]: ...
    @overload
    async def gather(
        self,
        a: Awaitable[ServiceResult[A]],
        b: Awaitable[ServiceResult[B]],
        c: Awaitable[ServiceResult[C]],
        d: Awaitable[ServiceResult[D]],
        /,
    ) -> tuple[ServiceResult[A], ServiceResult[B], ServiceResult[C], ServiceResult[D]]: ...
    @overload
    async def gather(
        self, *calls: Awaitable[ServiceResult[Any]]
    ) -> tuple[ServiceResult[Any], ...]: ...
    async def gather(self, *calls: Awaitable[ServiceResult[Any]]) -> tuple[ServiceResult[Any], ...]:
        """Run service calls concurrently; one result per call, in order, never raising.

        Results keep their calls' types: with `.expect(Merchant)`, `result.data` is a
        `Merchant` for the type checker too (up to four calls typed one by one; more are
        `ServiceResult[Any]`). A call that fails, or is still running at the command's
        deadline, becomes a failed result and costs only its own part of the answer.
        """
        results = await gather(*calls, timeout=self.remaining())
        self.service_failures.extend(r for r in results if not r.ok and not r.not_found)
        return tuple(results)

    async def call(self, call: Awaitable[ServiceResult[T]]) -> ServiceResult[T]:
        """One service call under the command's deadline; see `gather`."""
        (result,) = await self.gather(call)
        return result

    @property
    def knowledge(self) -> Knowledge:
        """Snippets, known issues and bulk notices (see `supportbot.record.knowledge`)."""
        if self._knowledge is None:
            self._knowledge = Knowledge(
                store=self.store,
                services=self.services,
                gather=self.gather,
                settings=self.settings,
                user=self.user,
                request_id=self.request_id,
                remaining=self.remaining,
                poster=self._poster,
                about=self._about,
            )
        return self._knowledge

    def progress(self, title: str) -> Callable[[int, int], Awaitable[None]]:
        """A reporter of this run's progress (`await report(done, total)`): shown by the
        adapter (a bar, or one Slack message edited in place) at most twice a second and at the
        end; nothing without an adapter that shows progress."""
        outlet, message, run_id = self._progress_outlet, self.message, self.request_id
        shown_at = [0.0]

        async def report(done: int, total: int) -> None:
            if outlet is None:
                return
            now = asyncio.get_running_loop().time()
            if done < total and now - shown_at[0] < 0.5:
                return
            shown_at[0] = now
            await outlet(message, ProgressUpdate(run_id, title, done, total))

        return report
