"""The action ledger: pending confirmations, runs by idempotency key, escalations.

Reached as `store.actions`. Every change of state that two clicks, two tasks or two replicas
could race for is one conditional UPDATE (or an INSERT against a primary key): the database
decides who was first, and the loser is told what the winner did.

Every write goes through the write path. What needs the database's answer (a new question, a
decision, a claim) is a job: it is committed before the caller goes on, or it raises
StorageUnavailable and nothing was done. What needs no answer (a run's outcome, an escalation)
is a change that is spooled while the database is away. Every row is sanitised first, so these
tables take whatever the audit trail takes (NUL, overlong names and channels).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from ._action_tables import ActionRun, Escalation, PendingActionRow
from .changes import Insert, Update, insert_statement
from .pruning import Pruner
from .reads import Reader
from .sanitize import clean_text, field_values, sanitized_row, stored_as
from .writer import Writer

__all__ = [
    "ActionLedger",
    "Claim",
    "EscalationEntry",
    "PendingAction",
    "RunRecord",
]

#: How long finished confirmations are kept (for "already confirmed" answers) before purging.
PENDING_KEEP = timedelta(days=1)
PENDING: Table = PendingActionRow.__table__  # type: ignore[assignment]
RUNS: Table = ActionRun.__table__  # type: ignore[assignment]
ESCALATIONS: Table = Escalation.__table__  # type: ignore[assignment]
#: Columns that identify a row or tie rows together: never cut (too long is a bug).
_PENDING_KEYS = ("token", "idempotency_key", "fingerprint")
_RUN_KEYS = ("idempotency_key", "fingerprint", "request_id")
#: An escalation has no key of its own in the table: these columns tell two apart on replay.
ESCALATION_KEY = ("request_id", "escalated_by", "at")


def _now() -> datetime:
    return datetime.now(UTC)


#: The text fields of a RunRecord that sanitising may change (the intent returned as written).
_TEXT_FIELDS = (
    "command",
    "user_id",
    "user_name",
    "approved_by",
    "arguments",
    "target",
    "adapter",
    "channel",
)


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
    decision_reason: str | None = None

    @classmethod
    def from_row(cls, row: PendingActionRow) -> PendingAction:
        """The dataclass of a stored row."""
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})

    @property
    def expired(self) -> bool:
        """Whether the confirmation can no longer be used."""
        return self.expires_at <= _now()

    def asked_by(self, user_id: str) -> bool:
        """Whether `user_id` is the requester's, compared as the database keeps ids (cleaned,
        and cut to the column: an id longer than that is still its owner's)."""
        return self.user_id == stored_as(PendingActionRow.user_id, user_id)


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

    def __init__(self, read: Reader, writer: Writer) -> None:
        self._read = read
        self._writer = writer
        self._pruner = Pruner()

    # --- confirmations -----------------------------------------------------------------------

    async def add_pending(self, pending: PendingAction) -> None:
        """Store a new confirmation (committed when this returns); expired ones are purged now
        and then. Raises StorageUnavailable when it cannot be committed: ask again later."""
        if self._pruner.due():
            expired = delete(PendingActionRow).where(
                PendingActionRow.expires_at < _now() - PENDING_KEEP
            )

            async def purge(connection: AsyncConnection) -> None:
                await connection.execute(expired)

            self._writer.housekeep(purge)
        row = sanitized_row(PENDING, field_values(pending), keys=_PENDING_KEYS)

        async def add(connection: AsyncConnection) -> None:
            await connection.execute(insert_statement(PENDING), row)

        await self._writer.run(add)

    async def get_pending(self, token: str) -> PendingAction | None:
        """The confirmation with this token, whatever its state, or None."""

        async def read(session: AsyncSession) -> PendingAction | None:
            row = await session.get(PendingActionRow, clean_text(token))
            return PendingAction.from_row(row) if row is not None else None

        return await self._read(read)

    async def decide(
        self,
        token: str,
        *,
        from_state: str,
        to_state: str,
        decided_by: str | None = None,
        user_id: str | None = None,
        reason: str | None = None,
    ) -> bool:
        """Move a confirmation from `from_state` to `to_state` if it is still there and not
        expired (and, with `user_id`, belongs to that user), noting the decider's `reason`.
        True for the one caller that did. Raises StorageUnavailable when the database cannot
        decide."""
        now = _now()
        row = {"state": to_state, "decided_by": decided_by, "decided_at": now}
        values = sanitized_row(PENDING, {**row, "decision_reason": reason})
        statement = (
            update(PendingActionRow)
            .where(
                PendingActionRow.token == clean_text(token),
                PendingActionRow.state == from_state,
                PendingActionRow.expires_at > now,
            )
            .values(values)
        )
        if user_id is not None:
            statement = statement.where(
                PendingActionRow.user_id == stored_as(PendingActionRow.user_id, user_id)
            )

        async def move(connection: AsyncConnection) -> bool:
            result = await connection.execute(statement)
            return bool(getattr(result, "rowcount", 0) == 1)

        return await self._writer.run(move)

    async def expire_open(self, *, at: datetime) -> int:
        """Make every open confirmation and approval expire at `at` (a test's late click);
        returns how many there were. Raises StorageUnavailable when it cannot be committed."""
        statement = (
            update(PendingActionRow)
            .where(PendingActionRow.state.in_(("pending", "awaiting_approval")))
            .values(expires_at=at)
        )

        async def expire(connection: AsyncConnection) -> int:
            return int(getattr(await connection.execute(statement), "rowcount", 0))

        return await self._writer.run(expire)

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

        async def read(session: AsyncSession) -> list[PendingAction]:
            return [PendingAction.from_row(row) for row in (await session.scalars(statement))]

        return await self._read(read)

    async def decided_for(self, user_id: str, *, since: datetime) -> list[PendingAction]:
        """`user_id`'s requests an approver approved or rejected after `since`, oldest decision
        first (what a requester's open terminal tells them)."""
        statement = (
            select(PendingActionRow)
            .where(
                PendingActionRow.state.in_(("approved", "rejected")),
                PendingActionRow.user_id == stored_as(PendingActionRow.user_id, user_id),
                PendingActionRow.decided_at > since,
            )
            .order_by(PendingActionRow.decided_at)
            .limit(20)
        )

        async def read(session: AsyncSession) -> list[PendingAction]:
            return [PendingAction.from_row(row) for row in (await session.scalars(statement))]

        return await self._read(read)

    # --- runs --------------------------------------------------------------------------------

    async def claim_run(self, intent: RunRecord) -> Claim:
        """Commit the intent to run `intent.idempotency_key`, unless someone already did.

        The first claim of a key inserts it. A later claim takes the key over only when its
        run failed or its outcome is unknown (a retry, with the same key); a run that is done
        or still within its lease is returned as it is, and the caller does not run. The claim
        is committed when this returns; StorageUnavailable means nothing was claimed (or a
        claim whose commit could not be confirmed: its lease then runs out, as for a crash).
        """
        values = sanitized_row(RUNS, field_values(intent), keys=_RUN_KEYS)
        intent = replace(intent, **{name: values[name] for name in _TEXT_FIELDS})
        key = values["idempotency_key"]
        retry = (
            update(ActionRun)
            .where(
                ActionRun.idempotency_key == key,
                (ActionRun.state == "failed")
                | ((ActionRun.state == "running") & (ActionRun.lease_until <= _now())),
            )
            .values(
                state="running",
                outcome=None,
                result=None,
                request_id=values["request_id"],
                attempts=ActionRun.attempts + 1,
                started_at=intent.started_at,
                lease_until=intent.lease_until,
                finished_at=None,
                approved_by=values["approved_by"],
            )
        )
        current = select(RUNS).where(ActionRun.idempotency_key == key)

        async def claim(connection: AsyncConnection) -> Claim:
            try:
                async with connection.begin_nested():
                    await connection.execute(insert_statement(RUNS), values)
                return Claim(True, intent)
            except IntegrityError:
                pass
            won = getattr(await connection.execute(retry), "rowcount", 0) == 1
            row = (await connection.execute(current)).one()
            run = RunRecord.from_row(row)  # type: ignore[arg-type]
            # A group retried after a commit it could not confirm finds its own claim: won.
            mine = run.request_id == intent.request_id and run.started_at == intent.started_at
            return Claim(won or mine, run)

        return await self._writer.run(claim)

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
        the customer it was about when the handler named it. Returns once it is durable
        (committed, or spooled while the database is away)."""
        values: dict[str, Any] = {
            "state": state,
            "outcome": outcome,
            "result": result,
            "finished_at": _now(),
        }
        if target is not None:
            values["target"] = target
        where = {"idempotency_key": clean_text(key), "request_id": clean_text(request_id)}
        await self._writer.write(Update(RUNS, where, sanitized_row(RUNS, values)))

    async def get_run(self, key: str) -> RunRecord | None:
        """The run of this idempotency key, or None."""

        async def read(session: AsyncSession) -> RunRecord | None:
            row = await session.get(ActionRun, clean_text(key))
            return RunRecord.from_row(row) if row is not None else None

        return await self._read(read)

    async def run_of_request(self, request_id: str) -> RunRecord | None:
        """The run whose latest attempt was the command run `request_id`, or None."""
        statement = select(ActionRun).where(ActionRun.request_id == clean_text(request_id))

        async def read(session: AsyncSession) -> RunRecord | None:
            row = await session.scalar(statement)
            return RunRecord.from_row(row) if row is not None else None

        return await self._read(read)

    async def last_run(self, fingerprint: str, *, since: datetime) -> RunRecord | None:
        """The newest run of the same action (command and arguments) since `since`."""
        statement = (
            select(ActionRun)
            .where(ActionRun.fingerprint == fingerprint, ActionRun.started_at >= since)
            .order_by(ActionRun.started_at.desc())
            .limit(1)
        )

        async def read(session: AsyncSession) -> RunRecord | None:
            row = await session.scalar(statement)
            return RunRecord.from_row(row) if row is not None else None

        return await self._read(read)

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
            stored = [stored_as(ActionRun.target, target) for target in targets]
            statement = statement.where(ActionRun.target.in_(stored))
        if command is not None:
            statement = statement.where(ActionRun.command == stored_as(ActionRun.command, command))
        if user is not None:
            statement = statement.where(ActionRun.user_id == stored_as(ActionRun.user_id, user))
        if since is not None:
            statement = statement.where(ActionRun.started_at >= since)
        statement = statement.order_by(ActionRun.started_at.desc()).limit(limit)

        async def read(session: AsyncSession) -> list[RunRecord]:
            return [RunRecord.from_row(row) for row in (await session.scalars(statement))]

        return await self._read(read)

    async def count_runs(self, *, user_id: str, command: str, since: datetime) -> int:
        """How many runs of `command` this user started since `since`."""
        statement = select(func.count()).where(
            ActionRun.user_id == stored_as(ActionRun.user_id, user_id),
            ActionRun.command == stored_as(ActionRun.command, command),
            ActionRun.started_at >= since,
        )

        async def read(session: AsyncSession) -> int:
            return int(await session.scalar(statement) or 0)

        return await self._read(read)

    # --- escalations -------------------------------------------------------------------------

    async def record_escalation(self, entry: EscalationEntry) -> None:
        """Keep the escalation; returns once it is durable (committed, or spooled)."""
        row = sanitized_row(ESCALATIONS, field_values(entry), keys=("request_id",))
        await self._writer.write(Insert(ESCALATIONS, row, ESCALATION_KEY, unique=False))

    async def escalations(self, request_id: str) -> list[EscalationEntry]:
        """Every escalation of one command run, oldest first."""
        statement = (
            select(Escalation)
            .where(Escalation.request_id == clean_text(request_id))
            .order_by(Escalation.id)
        )

        async def read(session: AsyncSession) -> list[EscalationEntry]:
            rows = (await session.scalars(statement)).all()
            return [
                EscalationEntry(**{f.name: getattr(row, f.name) for f in fields(EscalationEntry)})
                for row in rows
            ]

        return await self._read(read)
