"""Storage: SQLAlchemy 2 (async) on SQLite or PostgreSQL, with Alembic migrations.

The user gives one URL: `sqlite:///data/supportbot.db` (the default), or
`postgresql://user:password@host:5432/name` (also `postgres://` and `postgresql+psycopg://`).
"""

from __future__ import annotations

from ._audit import AuditEntry, AuditLog, write_csv
from ._engine import async_url, make_async_engine, make_sync_engine, sync_url
from ._migrate import current_revision, head_revision, is_up_to_date, upgrade
from ._models import AuditRecord, Base
from ._store import Store, create_store

__all__ = [
    "AuditEntry",
    "AuditLog",
    "AuditRecord",
    "Base",
    "Store",
    "async_url",
    "create_store",
    "current_revision",
    "head_revision",
    "is_up_to_date",
    "make_async_engine",
    "make_sync_engine",
    "sync_url",
    "upgrade",
    "write_csv",
]
