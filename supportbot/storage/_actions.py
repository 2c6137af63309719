"""The action ledger: pending confirmations, runs by idempotency key, escalations.

Reached as `store.actions`. Every change of state that two clicks, two tasks or two replicas
could race for is one conditional UPDATE (or an INSERT against a primary key): the database
decides who was first, and the loser is told what the winner did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ._action_tables import ActionRun, Escalation, PendingActionRow

__all__ = [
    "ActionLedger",
    "Claim",
    "EscalationEntry",
    "PendingAction",
    "RunRecord",
]

#: How long finished confirmations are kept (for "already confirmed" answers) before purging.
PENDING_KEEP = timedelta(days=1)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, kw_only=True)
class PendingAction:
    """A confirmation (and, with `approval_role`, an approval) an action waits for."""

    token: str
    idempotency_key: str
    fingerprint: str
    command: str
    text: str
    prompt: str
    user_id: str
    user_name: str = ""
    user_email: str | None = None
    user_groups: list[str] | None = None
    adapter: str = "terminal"
    channel: str | None = None
    approval_role: str | None = None
    state: str = "pending"
    created_at: datetime
    expires_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None

    @classmethod
    def from_row(cls, row: PendingActionRow) -> PendingAction:
        """The dataclass of a stored row."""
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})

    @property
    def expired(self) -> bool:
        """Whether the confirmation can no longer be used."""
        return self.expires_at <= _now()


@dataclass(frozen=True, kw_only=True)
class RunRecord:
    """One action in the ledger. `state`: running, done or failed."""

    idempotency_key: str
    fingerprint: str
    command: str
    user_id: str
    user_name: str = ""
    approved_by: str | None = None
    arguments: str = ""
    target: str | None = None
    adapter: str = "terminal"
    channel: str | None = None
    state: str = "running"
    outcome: str | None = None
    result: dict[str, Any] | None = None
    request_id: str
    attempts: int = 1
    started_at: datetime
    lease_until: datetime
    finished_at: datetime | None = None

    @classmethod
    def from_row(cls, row: ActionRun) -> RunRecord:
        """The dataclass of a stored row."""
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})

    @property
    def outcome_unknown(self) -> bool:
        """Started, never finished, and its process's time is up: it may or may not have
        happened. A retry with the same idempotency key settles it without doubling it."""
        return self.state == "running" and self.lease_until <= _now()

    @property
    def status(self) -> str:
        """What to call it: done, failed, running or unknown."""
        return "unknown" if self.outcome_unknown else self.state


@dataclass(frozen=True)
class Claim:
    """What `claim_run` decided: `won` is True when this caller runs the action now.

    Otherwise `existing` is the run that already did (or is doing) it.
    """

    won: bool
    run: RunRecord


@dataclass(frozen=True, kw_only=True)
class EscalationEntry:
    """One escalation to engineering."""

    request_id: str
    command: str | None
    escalated_by: str
    destination: str
    delivered: bool
    summary: str = ""
    at: datetime


class ActionLedger:
    """Pending confirmations, action runs and escalations in the bot's database."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    # --- confirmations -----------------------------------------------------------------------

    async def add_pending(self, pending: PendingAction) -> None:
        """Store a new confirmation; expired ones are purged on the way."""
        async with self._sessions.begin() as session:
            await session.execute(
                delete(PendingActionRow).where(PendingActionRow.expires_at < _now() - PENDING_KEEP)
            )
            await session.execute(insert(PendingActionRow).values(asdict(pending)))

    async def get_pending(self, token: str) -> PendingAction | None:
        """The confirmation with this token, whatever its state, or None."""
        async with self._sessions() as session:
            row = await session.get(PendingActionRow, token)
            return PendingAction.from_row(row) if row is not None else None

    async def decide(
        self,
        token: str,
        *,
        from_state: str,
        to_state: str,
        decided_by: str | None = None,
        user_id: str | None = None,
    ) -> bool:
        """Move a confirmation from `from_state` to `to_state` if it is still there and not
        expired (and, with `user_id`, belongs to that user). True for the one caller that did."""
        now = _now()
        statement = (
            update(PendingActionRow)
            .where(
                PendingActionRow.token == token,
                PendingActionRow.state == from_state,
                PendingActionRow.expires_at > now,
            )
            .values(state=to_state, decided_by=decided_by, decided_at=now)
        )
        if user_id is not None:
            statement = statement.where(PendingActionRow.user_id == user_id)
        async with self._sessions.begin() as session:
            result = await session.execute(statement)
            return bool(getattr(result, "rowcount", 0) == 1)

    async def awaiting_approval(self, *, limit: int = 20) -> list[PendingAction]:
        """Open requests waiting for an approver, oldest first."""
        statement = (
            select(PendingActionRow)
            .where(
                PendingActionRow.state == "awaiting_approval",
                PendingActionRow.expires_at > _now(),
            )
            .order_by(PendingActionRow.created_at)
            .limit(limit)
        )
        async with self._sessions() as session:
            return [PendingAction.from_row(row) for row in (await session.scalars(statement))]

    # --- runs --------------------------------------------------------------------------------

    async def claim_run(self, intent: RunRecord) -> Claim:
        """Commit the intent to run `intent.idempotency_key`, unless someone already did.

        The first claim of a key inserts it. A later claim takes the key over only when its
        run failed or its outcome is unknown (a retry, with the same key); a run that is done
        or still within its lease is returned as it is, and the caller does not run.
        """
        values = asdict(intent)
        try:
            async with self._sessions.begin() as session:
                await session.execute(insert(ActionRun).values(values))
            return Claim(True, intent)
        except IntegrityError:
            pass
        now = _now()
        retry = (
            update(ActionRun)
            .where(
                ActionRun.idempotency_key == intent.idempotency_key,
                (ActionRun.state == "failed")
                | ((ActionRun.state == "running") & (ActionRun.lease_until <= now)),
            )
            .values(
                state="running",
                outcome=None,
                result=None,
                request_id=intent.request_id,
                attempts=ActionRun.attempts + 1,
                started_at=intent.started_at,
                lease_until=intent.lease_until,
                finished_at=None,
                approved_by=intent.approved_by,
            )
        )
        async with self._sessions.begin() as session:
            won = getattr(await session.execute(retry), "rowcount", 0) == 1
            row = await session.get(ActionRun, intent.idempotency_key, populate_existing=True)
        assert row is not None, "the key exists: the insert said so"
        return Claim(won, RunRecord.from_row(row))

    async def finish_run(
        self,
        key: str,
        *,
        request_id: str,
        state: str,
        outcome: str,
        result: dict[str, Any],
        target: str | None = None,
    ) -> None:
        """Record how the run ended (only the attempt that holds the key, by request id), and
        the customer it was about when the handler named it."""
        values: dict[str, Any] = {
            "state": state,
            "outcome": outcome,
            "result": result,
            "finished_at": _now(),
        }
        if target is not None:
            values["target"] = target
        async with self._sessions.begin() as session:
            await session.execute(
                update(ActionRun)
                .where(ActionRun.idempotency_key == key, ActionRun.request_id == request_id)
                .values(**values)
            )

    async def get_run(self, key: str) -> RunRecord | None:
        """The run of this idempotency key, or None."""
        async with self._sessions() as session:
            row = await session.get(ActionRun, key)
            return RunRecord.from_row(row) if row is not None else None

    async def run_of_request(self, request_id: str) -> RunRecord | None:
        """The run whose latest attempt was the command run `request_id`, or None."""
        async with self._sessions() as session:
            row = await session.scalar(select(ActionRun).where(ActionRun.request_id == request_id))
            return RunRecord.from_row(row) if row is not None else None

    async def last_run(self, fingerprint: str, *, since: datetime) -> RunRecord | None:
        """The newest run of the same action (command and arguments) since `since`."""
        statement = (
            select(ActionRun)
            .where(ActionRun.fingerprint == fingerprint, ActionRun.started_at >= since)
            .order_by(ActionRun.started_at.desc())
            .limit(1)
        )
        async with self._sessions() as session:
            row = await session.scalar(statement)
            return RunRecord.from_row(row) if row is not None else None

    async def runs(
        self,
        *,
        targets: Sequence[str] | None = None,
        command: str | None = None,
        user: str | None = None,
        since: datetime | None = None,
        limit: int = 20,
    ) -> list[RunRecord]:
        """Action runs matching every given filter, newest first."""
        statement = select(ActionRun)
        if targets is not None:
            statement = statement.where(ActionRun.target.in_(list(targets)))
        if command is not None:
            statement = statement.where(ActionRun.command == command)
        if user is not None:
            statement = statement.where(ActionRun.user_id == user)
        if since is not None:
            statement = statement.where(ActionRun.started_at >= since)
        statement = statement.order_by(ActionRun.started_at.desc()).limit(limit)
        async with self._sessions() as session:
            return [RunRecord.from_row(row) for row in (await session.scalars(statement))]

    async def count_runs(self, *, user_id: str, command: str, since: datetime) -> int:
        """How many runs of `command` this user started since `since`."""
        statement = select(func.count()).where(
            ActionRun.user_id == user_id,
            ActionRun.command == command,
            ActionRun.started_at >= since,
        )
        async with self._sessions() as session:
            return int(await session.scalar(statement) or 0)

    # --- escalations -------------------------------------------------------------------------

    async def record_escalation(self, entry: EscalationEntry) -> None:
        """Keep the escalation."""
        async with self._sessions.begin() as session:
            await session.execute(insert(Escalation).values(asdict(entry)))

    async def escalations(self, request_id: str) -> list[EscalationEntry]:
        """Every escalation of one command run, oldest first."""
        statement = (
            select(Escalation).where(Escalation.request_id == request_id).order_by(Escalation.id)
        )
        async with self._sessions() as session:
            rows = (await session.scalars(statement)).all()
            return [
                EscalationEntry(**{f.name: getattr(row, f.name) for f in fields(EscalationEntry)})
                for row in rows
            ]
