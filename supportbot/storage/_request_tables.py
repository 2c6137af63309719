"""Tables of feature requests: what merchants asked for (R-n), each merchant's ask, and the
ledger of notices telling them it shipped.

A request is counted by distinct merchants: a merchant asking twice adds a second ask (who and
when stay readable) but not a second merchant. A notice is one row per (request, merchant,
snippet version), the primary key that makes it go out at most once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ._models import Base, UTCDateTime

__all__ = ["FeatureAskRow", "FeatureRequestRow", "RequestNoticeRow"]


class FeatureRequestRow(Base):
    """A feature request, R-<id>: what was asked (the first ask's words), its tag, its status."""

    __tablename__ = "feature_requests"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(300))
    #: The tag it is filed under (`reports/export`); None when it was recorded without one.
    tag: Mapped[str | None] = mapped_column(String(100))
    #: open or shipped.
    status: Mapped[str] = mapped_column(String(20))
    opened_by: Mapped[str] = mapped_column(String(200))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    shipped_by: Mapped[str | None] = mapped_column(String(200))
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: What product said when it shipped (a version, a link), offered to the notice.
    ship_note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_feature_requests_status_tag", "status", "tag"),)


class FeatureAskRow(Base):
    """One merchant asking for a request: in their words, recorded by whom, when."""

    __tablename__ = "feature_request_asks"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(Integer)
    merchant_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: The command run that recorded it: a redelivered or retried run records it once.
    run_id: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        UniqueConstraint("run_id", name="uq_feature_request_asks_run_id"),
        Index("ix_feature_request_asks_request", "request_id", "merchant_id"),
        Index("ix_feature_request_asks_merchant", "merchant_id"),
    )


class RequestNoticeRow(Base):
    """One notice to one merchant that a request it asked for shipped, with one snippet
    version: claimed before it is sent (`sending`), then `sent`, `failed` or `skipped`."""

    __tablename__ = "feature_request_notices"

    request_id: Mapped[int] = mapped_column(Integer, primary_key=True)
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

    __table_args__ = (Index("ix_feature_request_notices_merchant_id", "merchant_id"),)
