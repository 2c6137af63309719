"""`supportbot audit`: list or export the audit trail, or the action ledger."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from supportbot.core.console import fail
from supportbot.core.errors import ConfigError
from supportbot.core.reply import Outcome

from . import wording as messages
from .env import Env, pass_env

__all__ = ["audit"]


@click.command()
@click.option("--since", help="Only after this: 30m, 2h, 7d, or an ISO date/time.")
@click.option("--command", "command_name", help="Only this command (without /).")
@click.option(
    "--outcome",
    type=click.Choice([o.value for o in Outcome], case_sensitive=False),
    help="Only this outcome.",
)
@click.option("--user", help="Only this user (id, e.g. U0123ABCD or terminal:ani, or name).")
@click.option(
    "--target",
    help="Only this customer: a merchant or transaction id, or a phone or email (masked first).",
)
@click.option("--ref", help="The one record of this error reference, in full (error included).")
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
@click.option(
    "--csv",
    "csv_file",
    type=click.File("w", encoding="utf-8"),
    help="Write CSV here (- for stdout).",
)
@click.option(
    "--actions",
    is_flag=True,
    help="The actions instead (resends, resets, refunds): status, who, approver, unknown outcomes.",
)
@pass_env
def audit(
    env: Env,
    since: str | None,
    command_name: str | None,
    outcome: str | None,
    user: str | None,
    target: str | None,
    ref: str | None,
    limit: int,
    csv_file: Any,
    actions: bool,
) -> None:
    """List or export audit records, newest first."""
    from supportbot.dispatch.bot import open_store
    from supportbot.storage import ACTION_CSV_COLUMNS, write_csv

    from .audit_view import (
        parse_since,
        render_actions_table,
        render_audit_record,
        render_audit_table,
        stored_target,
    )

    try:
        since_at = parse_since(since, now=datetime.now(UTC)) if since else None
    except ValueError as exc:
        fail(str(exc))
    if target is not None:
        target = stored_target(target, env.settings().phone_region)

    if actions and outcome:
        fail("--outcome filters audit records; with --actions every status is listed")

    async def query() -> list[Any]:
        store = await open_store(env.settings())
        try:
            if actions:
                return await store.actions.runs(
                    since=since_at,
                    command=command_name.lstrip("/") if command_name else None,
                    user=user,
                    targets=[target] if target else None,
                    limit=limit,
                )
            return await store.audit.query(
                since=since_at,
                command=command_name.lstrip("/") if command_name else None,
                outcome=outcome.lower() if outcome else None,
                user=user,
                target=target,
                request_id=ref.strip() if ref else None,
                limit=limit,
            )
        finally:
            await store.close()

    try:
        entries = asyncio.run(query())
    except ConfigError as exc:
        fail(str(exc))
    if csv_file is not None:
        write_csv(entries, csv_file, ACTION_CSV_COLUMNS) if actions else write_csv(
            entries, csv_file
        )
        if csv_file.name != "<stdout>":
            click.echo(messages.csv_written(len(entries), Path(csv_file.name).resolve()), err=True)
    elif ref and not actions:
        if not entries:
            fail(messages.no_record_for_ref(ref), code=1)
        click.echo("\n\n".join(render_audit_record(entry) for entry in entries))
    else:
        click.echo(render_actions_table(entries) if actions else render_audit_table(entries))
