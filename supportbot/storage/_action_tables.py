"""Tables of declared actions: confirmations waiting for a yes, the exactly-once ledger of runs,
and escalations to engineering.

All three live in the shared database, so a confirmation survives a restart and works on any
replica, and the unique idempotency key makes an action run once however many replicas try.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ._models import Base, UTCDateTime

__all__ = ["ActionRun", "Escalation", "PendingActionRow"]


class PendingActionRow(Base):
    """An action validated and shown to its requester, waiting for confirmation (or approval).

    `state`: pending → confirmed (it runs) | awaiting_approval → approved (it runs) | rejected;
    pending → cancelled. A state changes only with a conditional UPDATE, so one click wins.
    """

    __tablename__ = "pending_actions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(64))
    command: Mapped[str] = mapped_column(String(100))
    #: The command as typed: what runs once it is confirmed. Purged when it expires.
    text: Mapped[str] = mapped_column(Text)
    prompt: Mapped[str] = mapped_column(Text)
    user_id: Mapped[str] = mapped_column(String(200))
    user_name: Mapped[str] = mapped_column(String(200), default="")
    user_email: Mapped[str | None] = mapped_column(String(320))
    user_groups: Mapped[list[str] | None] = mapped_column(JSON)
    adapter: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str | None] = mapped_column(String(200))
    approval_role: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Why the approver turned it down (`/reject <id> <reason>`), for its requester.
    decision_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_pending_actions_expires_at", "expires_at"),
        Index("ix_pending_actions_state", "state"),
    )


class ActionRun(Base):
    """One action, by idempotency key: the intent is committed before any service is called,
    the outcome after. A row still `running` after its lease is an action whose outcome is
    unknown (the process stopped in between)."""

    __tablename__ = "action_runs"

    idempotency_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    command: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[str] = mapped_column(String(200))
    user_name: Mapped[str] = mapped_column(String(200), default="")
    approved_by: Mapped[str | None] = mapped_column(String(200))
    #: Masked, like the audit trail's.
    arguments: Mapped[str] = mapped_column(Text, default="")
    target: Mapped[str | None] = mapped_column(String(200))
    adapter: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str | None] = mapped_column(String(32))
    #: The reply of the finished run (personal data as the requester saw it), for "already done".
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    request_id: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_action_runs_fingerprint", "fingerprint"),
        Index("ix_action_runs_user_command", "user_id", "command", "started_at"),
        Index("ix_action_runs_target", "target"),
        Index("ix_action_runs_started_at", "started_at"),
    )


class Escalation(Base):
    """A failed command handed to engineering: what, by whom, where it was posted."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(64))
    command: Mapped[str | None] = mapped_column(String(100))
    escalated_by: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    destination: Mapped[str] = mapped_column(String(200))
    delivered: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_escalations_request_id", "request_id"),)
