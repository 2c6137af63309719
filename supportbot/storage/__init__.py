"""Storage: SQLAlchemy 2 (async) on SQLite or PostgreSQL, with Alembic migrations.

The user gives one URL: `sqlite:///data/supportbot.db` (the default), or
`postgresql://user:password@host:5432/name` (also `postgres://` and `postgresql+psycopg://`).

    upgrade(url)                      # sync: schema to head (`supportbot db upgrade`); idempotent
    store = create_store(url)         # async engine + sessions; `await store.close()` when done
    await store.audit.record(AuditEntry(request_id=..., user_id=..., ...))   # durable on return
    await store.audit.query(since=..., command="merchant", limit=50)   # newest first
    await store.actions.claim_run(intent)   # the exactly-once ledger of declared actions
    await store.events.claim("event:Ev1", keep_for=timedelta(days=2))   # first claim wins
    await store.button_states.put(id, requester=..., state=json_text, keep_for=timedelta(days=1))
    await store.leases.acquire("qa-sample", holder, ttl=timedelta(minutes=2))   # one replica
    await store.stats.commands(since, until)   # runs by command and outcome, p50/p90/p95
    await store.record.timeline("M-10001")   # the support record (see `storage.record`)
    await store.requests.ranked(tag="reports")   # feature requests by merchants asking

    store.health()                    # ok, or degraded with the sentence naming the problem

Every write goes through one write path per process (`writer`: a queue, one writer connection
on SQLite, a few on PostgreSQL, group commit). No row is dropped: while the database is away,
rows that need no answer go to a local spool and are replayed once it is back; a write that
needs the database's answer (a claim) raises `StorageUnavailable`. Reads and writes wait at most
the caller's deadline (`database_deadline`).

The durability promise: when a write returns, its row survives a crash of the process and a
power cut. It is committed (SQLite with `synchronous=FULL`; PostgreSQL as the server is set up),
or it is in the fsynced spool and will be written exactly once when the database is back; the
one exception is a spool that cannot be written either (a read-only folder, a full disk past the
spool's 4 MB reserve), where rows are held in memory and in the log, and `store.health()` says
so. An action's intent is committed before the service is called, or the claim raises
`StorageUnavailable` and nothing is done.

Unusable URLs (unknown scheme, unreachable server, unwritable SQLite folder) raise
`supportbot.ConfigError` with a sentence that says what to change.
"""

from __future__ import annotations

from ._action_tables import ActionRun, Escalation, PendingActionRow
from ._actions import ActionLedger, Claim, EscalationEntry, PendingAction, RunRecord
from ._audit import AuditEntry, AuditLog
from ._csv import ACTION_CSV_COLUMNS, spreadsheet_safe, write_csv, write_table_csv
from ._delivery_state import ButtonStates, ProcessedEvents
from ._engine import (
    async_url,
    make_async_engine,
    make_sync_engine,
    make_writer_engine,
    safe_url,
    sync_url,
)
from ._events import ButtonState, ProcessedEvent
from ._insight_tables import Lease, ServiceCallRollup
from ._knowledge_tables import IncidentRow, NoticeRow, SnippetRow
from ._migrate import alembic_config, current_revision, head_revision, is_up_to_date, upgrade
from ._models import AuditRecord, Base, UTCDateTime
from ._qa_tables import QaReviewRow, QaSampleRow
from ._record_rows import (
    Alias,
    AliasConflict,
    Interaction,
    Note,
    TagMark,
    TimelineCursor,
    TimelineEvent,
    TimelinePage,
)
from ._record_tables import AliasRow, CustomTagRow, EventRow, InteractionRow, NoteRow, TagRow
from ._request_tables import FeatureAskRow, FeatureRequestRow, RequestNoticeRow
from ._store import Store, create_store, default_spool_dir
from ._warning_tables import DailyShareRow, WarningReportRow, WarningRow
from .deadlines import database_deadline
from .errors import StorageUnavailable
from .health import StorageHealth
from .incidents import Incident, IncidentEvent, IncidentLink, Incidents
from .kpi import KpiStore, QaReview, QaSample
from .kpi_summary import SLA_BREACHED, SLA_MET, SLA_PENDING, KpiGroup
from .leases import LeaseGrant, Leases
from .notices import Notice, NoticeClaim, NoticeLedger
from .percentiles import nearest_rank
from .record import CardRecord, RecordStore, timeline_statement
from .requests import FeatureAsk, FeatureRequest, FeatureRequests, RecordedAsk
from .sanitize import sanitized_row
from .shares import DailyShare, Shares
from .snippets import Snippet, SnippetConflict, Snippets, SnippetUse
from .stats import CommandStats, ServiceMinute, ServiceStats, StatsQueries, histogram_quantile
from .warnings import EarlyWarning, WarningReport, Warnings
from .writer import WritePolicy, Writer

__all__ = [
    "CardRecord",
    "DailyShare",
    "DailyShareRow",
    "EarlyWarning",
    "Shares",
    "WarningReport",
    "WarningReportRow",
    "WarningRow",
    "Warnings",
    "FeatureAsk",
    "FeatureAskRow",
    "FeatureRequest",
    "FeatureRequestRow",
    "FeatureRequests",
    "RecordedAsk",
    "RequestNoticeRow",
    "Snippets",
    "SnippetUse",
    "SnippetRow",
    "SnippetConflict",
    "Snippet",
    "NoticeRow",
    "NoticeClaim",
    "NoticeLedger",
    "Notice",
    "Incidents",
    "IncidentRow",
    "IncidentLink",
    "IncidentEvent",
    "Incident",
    "ACTION_CSV_COLUMNS",
    "ActionLedger",
    "ActionRun",
    "Alias",
    "AliasConflict",
    "AliasRow",
    "AuditEntry",
    "AuditLog",
    "AuditRecord",
    "Base",
    "ButtonState",
    "ButtonStates",
    "Claim",
    "CommandStats",
    "CustomTagRow",
    "Escalation",
    "KpiStore",
    "Lease",
    "LeaseGrant",
    "Leases",
    "QaReview",
    "QaReviewRow",
    "QaSample",
    "KpiGroup",
    "nearest_rank",
    "SLA_BREACHED",
    "SLA_MET",
    "SLA_PENDING",
    "QaSampleRow",
    "EscalationEntry",
    "EventRow",
    "Interaction",
    "InteractionRow",
    "Note",
    "NoteRow",
    "PendingAction",
    "PendingActionRow",
    "ProcessedEvent",
    "ProcessedEvents",
    "RecordStore",
    "RunRecord",
    "ServiceCallRollup",
    "ServiceMinute",
    "ServiceStats",
    "StatsQueries",
    "StorageHealth",
    "StorageUnavailable",
    "Store",
    "TagMark",
    "TagRow",
    "TimelineCursor",
    "TimelineEvent",
    "TimelinePage",
    "UTCDateTime",
    "WritePolicy",
    "Writer",
    "alembic_config",
    "async_url",
    "create_store",
    "current_revision",
    "database_deadline",
    "default_spool_dir",
    "head_revision",
    "histogram_quantile",
    "is_up_to_date",
    "make_async_engine",
    "make_sync_engine",
    "make_writer_engine",
    "safe_url",
    "sanitized_row",
    "spreadsheet_safe",
    "sync_url",
    "timeline_statement",
    "upgrade",
    "write_csv",
    "write_table_csv",
]
