"""Tables of the support record: interactions, their notes and tags, learnt phone numbers, and
the timeline that ties them (and the commands run for a merchant) together.

Designed for the queries that read them, now and in the stats, KPI, QA and known-issue work:

- `record_interactions`: one row per customer contact, with its open, first-reply and close
  times, channel, agent, outcome, mood and (later) CSAT. Indexed by time (stats by hour over a
  year), by merchant and time (the card's 30-day count), by agent and close (the agent's open
  interaction) and by the phone system's call id (a webhook's status updates).
- `record_tags`: a tag on a merchant or an interaction, added and maybe removed; indexed by tag
  and time (stats by tag) and by merchant and tag (the card's top tags).
- `record_custom_tags`: tags leads added to the configured taxonomy.
- `record_notes`: append-only; a retraction marks the note, never deletes it.
- `record_aliases`: a phone number (E.164) learnt for a merchant; the primary key makes a number
  belong to at most one merchant.
- `record_events`: the timeline, newest first, one row per thing that happened for a merchant
  (or an unknown contact), including every command run about it with the interaction it ran in
  (the link from the audit trail to the record: `request_id`). One page is one range scan of
  `ix_record_events_merchant_at`.

Rows carry a key made by the bot (`ref`, `event_key`), so every write can wait in the spool and
be replayed exactly once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ._models import Base, UTCDateTime

__all__ = ["AliasRow", "CustomTagRow", "EventRow", "InteractionRow", "NoteRow", "TagRow"]


class InteractionRow(Base):
    """One customer contact an agent handles (a chat, a call, an email)."""

    __tablename__ = "record_interactions"

    #: `I-7K3QX2`: what agents type to name it.
    ref: Mapped[str] = mapped_column(String(16), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    #: None while the contact is unknown (a number or email nobody has saved).
    merchant_id: Mapped[str | None] = mapped_column(String(64))
    #: How the customer reached us, canonical: E.164 phone, email or merchant id.
    contact: Mapped[str | None] = mapped_column(String(320))
    contact_kind: Mapped[str | None] = mapped_column(String(16))
    agent_id: Mapped[str] = mapped_column(String(200))
    agent_name: Mapped[str] = mapped_column(String(200), default="")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by: Mapped[str | None] = mapped_column(String(200))
    #: resolved, follow_up, escalated, abandoned (see `record.interactions.OUTCOMES`).
    outcome: Mapped[str | None] = mapped_column(String(32))
    #: angry, frustrated, confused, calm, happy: as the agent read it.
    mood: Mapped[str | None] = mapped_column(String(16))
    #: 1 to 5: the customer's rating (`/csat`), at most one per interaction.
    csat: Mapped[int | None] = mapped_column(Integer)
    csat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    csat_by: Mapped[str | None] = mapped_column(String(200))
    conversation_link: Mapped[str | None] = mapped_column(Text)
    #: What opened it: command, webhook, shortcut, sample.
    source: Mapped[str] = mapped_column(String(32), default="command")
    #: The phone system's id of the call (Twilio's CallSid), for its status updates.
    external_id: Mapped[str | None] = mapped_column(String(200))
    duration_s: Mapped[float | None] = mapped_column(Float)
    request_id: Mapped[str | None] = mapped_column(String(64))
    #: The SLA clocks (`record.sla`): due times from the open, in business hours ...
    first_response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: ... met, breached or pending, recorded when it happens (None: no target) ...
    sla_first_response: Mapped[str | None] = mapped_column(String(16))
    sla_resolution: Mapped[str | None] = mapped_column(String(16))
    #: ... and the business seconds each took.
    first_response_s: Mapped[float | None] = mapped_column(Float)
    resolution_s: Mapped[float | None] = mapped_column(Float)
    #: The last time a closed interaction was opened again (the QA sample always takes it).
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        Index("ix_record_interactions_opened_at", "opened_at"),
        Index("ix_record_interactions_closed_at", "closed_at", "agent_id"),
        Index("ix_record_interactions_merchant_opened", "merchant_id", "opened_at"),
        Index("ix_record_interactions_agent_closed", "agent_id", "closed_at"),
        Index("ix_record_interactions_external_id", "external_id"),
    )


class TagRow(Base):
    """A tag from the taxonomy on a merchant (`interaction_ref` None) or on an interaction."""

    __tablename__ = "record_tags"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    tag: Mapped[str] = mapped_column(String(100))
    merchant_id: Mapped[str | None] = mapped_column(String(64))
    interaction_ref: Mapped[str | None] = mapped_column(String(16))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())
    added_by: Mapped[str] = mapped_column(String(200))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_by: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        Index("ix_record_tags_tag_added", "tag", "added_at"),
        Index("ix_record_tags_merchant_tag", "merchant_id", "tag"),
        Index("ix_record_tags_interaction", "interaction_ref"),
        Index("ix_record_tags_added_at", "added_at"),
    )


class CustomTagRow(Base):
    """A tag a lead added to the configured taxonomy (`/tags add`)."""

    __tablename__ = "record_custom_tags"

    tag: Mapped[str] = mapped_column(String(100), primary_key=True)
    description: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class NoteRow(Base):
    """A note on a merchant or an interaction. Append-only: retracting marks it."""

    __tablename__ = "record_notes"

    #: `N-4K2P9Q`: what `/note retract` takes.
    ref: Mapped[str] = mapped_column(String(16), primary_key=True)
    merchant_id: Mapped[str | None] = mapped_column(String(64))
    interaction_ref: Mapped[str | None] = mapped_column(String(16))
    author_id: Mapped[str] = mapped_column(String(200))
    author_name: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    text: Mapped[str] = mapped_column(Text)
    retracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retracted_by: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        Index("ix_record_notes_merchant_at", "merchant_id", "at"),
        Index("ix_record_notes_interaction", "interaction_ref"),
    )


class AliasRow(Base):
    """A phone number learnt for a merchant: at most one merchant per number."""

    __tablename__ = "record_aliases"

    phone: Mapped[str] = mapped_column(String(32), primary_key=True)
    merchant_id: Mapped[str] = mapped_column(String(64))
    saved_by: Mapped[str] = mapped_column(String(200))
    saved_by_name: Mapped[str] = mapped_column(String(200), default="")
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())
    request_id: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_record_aliases_merchant_id", "merchant_id"),)


class EventRow(Base):
    """One line of a merchant's timeline: what happened, who did it, when."""

    __tablename__ = "record_events"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    event_key: Mapped[str] = mapped_column(String(96))
    #: The merchant, or for an unknown contact the masked contact (`phone:0812-••••-7890`).
    merchant_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: opened, closed, note, note_retracted, tagged, untagged, alias_saved, alias_removed,
    #: command (a lookup or an action run for this merchant), request (a feature request the
    #: merchant asked for), notice (a bulk notice sent, failed or skipped).
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[str] = mapped_column(String(200))
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    #: The interaction it belongs to; None for a command run without one.
    interaction_ref: Mapped[str | None] = mapped_column(String(16))
    #: The audit record of the run that did it (the link to the audit trail).
    request_id: Mapped[str | None] = mapped_column(String(64))
    #: The tag of tagged/untagged events (the timeline's --tag filter).
    tag: Mapped[str | None] = mapped_column(String(100))
    #: What to show, personal data masked.
    summary: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (
        UniqueConstraint("event_key", name="uq_record_events_event_key"),
        Index("ix_record_events_merchant_at", "merchant_id", "at", "id"),
        Index("ix_record_events_request_id", "request_id"),
        Index("ix_record_events_interaction", "interaction_ref"),
        Index("ix_record_events_kind_at", "kind", "at"),
    )
