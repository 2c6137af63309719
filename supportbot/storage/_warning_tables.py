"""Tables of early warnings (one row per warning, one per report added to it) and of the daily
share (one row per day: the day is the key, so a day is shared once however many replicas try).

A warning is open for its tag while `open_tag` holds the tag: a unique column, so two reports
about the same tag arriving at once on two replicas make one warning and one added report,
never two warnings. A later warning about the tag first closes the stale one (`open_tag` NULL).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ._models import Base, UTCDateTime

__all__ = ["DailyShareRow", "WarningReportRow", "WarningRow"]


class WarningRow(Base):
    """One early warning, W-<id>: posted once, then counted up by later reports of its tag."""

    __tablename__ = "early_warnings"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    tag: Mapped[str | None] = mapped_column(String(100))
    #: The tag while later reports about it add to this warning; NULL once it is closed.
    open_tag: Mapped[str | None] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), default="agent")
    opened_by: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reports: Mapped[int] = mapped_column(Integer, default=1)
    #: Where the warning was posted (Slack: channel id and the message's ts), to edit it.
    channel: Mapped[str | None] = mapped_column(String(100))
    message_ts: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("open_tag", name="uq_early_warnings_open_tag"),
        Index("ix_early_warnings_tag", "tag", "last_at"),
    )


class WarningReportRow(Base):
    """One report of an early warning (the first one included): who saw what, when."""

    __tablename__ = "early_warning_reports"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    warning_id: Mapped[int] = mapped_column(Integer)
    request_id: Mapped[str] = mapped_column(String(64))
    by: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    text: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("request_id", name="uq_early_warning_reports_request_id"),
        Index("ix_early_warning_reports_warning_id", "warning_id", "at"),
    )


class DailyShareRow(Base):
    """The interaction shared on one day (claimed before it is posted), and where it went."""

    __tablename__ = "daily_shares"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    interaction_ref: Mapped[str] = mapped_column(String(16))
    merchant_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(200))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    channel: Mapped[str | None] = mapped_column(String(100))
    message_ts: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ix_daily_shares_merchant_id", "merchant_id", "day"),)
