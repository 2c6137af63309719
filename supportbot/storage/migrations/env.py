"""Alembic environment, configured by `supportbot.storage._migrate.alembic_config`.

Runs on the connection it was handed (the normal case: `upgrade()` holds a lock on it), else on
an engine built from the configured URL.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

# The package, not just _models: importing it registers every table module with Base.metadata.
from supportbot.storage import Base, make_sync_engine

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite can barely ALTER: future migrations copy the table instead ("batch" mode).
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database: use supportbot.storage._migrate.alembic_config(url)")
    engine = make_sync_engine(url)
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
