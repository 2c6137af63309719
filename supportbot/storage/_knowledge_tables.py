"""Tables of the team's shared knowledge: snippets (every version kept), known issues with their
status history and links, and the ledger of bulk notices sent for them.

A snippet is never edited in place: each edit is a new row with the next version, so who wrote
what, and when, stays readable. A notice is one row per (issue, merchant, snippet version),
the primary key that makes it go out at most once, however many runs or replicas try.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ._models import Base, UTCDateTime

__all__ = [
    "IncidentEventRow",
    "IncidentLinkRow",
    "IncidentRow",
    "NoticeRow",
    "SnippetRow",
    "SnippetUseRow",
]


class SnippetRow(Base):
    """One version of a reply text. The newest version of a key is the one in use."""

    __tablename__ = "snippets"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    #: Values the agent types when using it: `{"name": "what to type"}`.
    asks: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_snippets_created_at", "created_at"),)


class SnippetUseRow(Base):
    """One use of a snippet: by whom, for which merchant, from which interaction (if one was
    open)."""

    __tablename__ = "snippet_uses"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[str] = mapped_column(String(200))
    merchant_id: Mapped[str | None] = mapped_column(String(64))
    interaction_id: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("request_id", name="uq_snippet_uses_request_id"),
        Index("ix_snippet_uses_key", "key"),
        Index("ix_snippet_uses_interaction_id", "interaction_id"),
    )


class IncidentRow(Base):
    """A known issue, KI-<id>: what customers are told, the workaround, who is affected."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    workaround: Mapped[str] = mapped_column(Text, default="")
    snippet_key: Mapped[str | None] = mapped_column(String(120))
    services: Mapped[list[str] | None] = mapped_column(JSON)
    tags: Mapped[list[str] | None] = mapped_column(JSON)
    #: Who is affected: `{"fields": {"device_model": "PAX A920"}, "tag": ..., "merchants": [...]}`.
    match: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))
    opened_by: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Where the adapter keeps the one status message it edits (Slack: channel and ts).
    status_message: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_incidents_status", "status"),)


class IncidentEventRow(Base):
    """One change of a known issue's status: from what, to what, by whom, when."""

    __tablename__ = "incident_events"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by: Mapped[str] = mapped_column(String(200))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_incident_events_incident_id", "incident_id", "at"),)


class IncidentLinkRow(Base):
    """A contact linked to a known issue: a merchant or an interaction, once each."""

    __tablename__ = "incident_links"

    incident_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), primary_key=True)
    by: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_incident_links_ref", "kind", "ref"),)


class NoticeRow(Base):
    """One bulk notice to one merchant about one issue with one snippet version: claimed before
    it is sent (`sending`), then `sent`, `failed` or `skipped` (no contact on file)."""

    __tablename__ = "incident_notices"

    incident_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    snippet_key: Mapped[str] = mapped_column(String(120), primary_key=True)
    snippet_version: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Sent to the notifications service, so a retry after a crash is answered, not resent.
    idempotency_key: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str | None] = mapped_column(String(10))
    destination: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(10))
    detail: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(200))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_incident_notices_merchant_id", "merchant_id"),)
