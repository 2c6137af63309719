"""`supportbot record export`: the support record as CSV or JSON, and the demo's record:
a month of sample history seeded on start, and `supportbot demo --calls`'s fake phone system."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from supportbot.core.console import fail

__all__ = ["RECORD_COMMANDS", "record"]


@click.group()
def record() -> None:
    """The support record: interactions, notes, tags, timelines."""


@record.command()
@click.option("--since", default="30d", show_default=True, help="How far back: 7d, 24h, 30d.")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write CSV to this file (- for the terminal).",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write JSON to this file (- for the terminal).",
)
@click.option("--merchant", metavar="M-10001", help="Export this merchant's timeline instead.")
@click.option(
    "--unmasked", is_flag=True, help="Full phone numbers and emails (only for personal_data_roles)."
)
@click.option("--as", "user", metavar="USER", help="Who is exporting (default: login name).")
@click.pass_obj
def export(
    env: Any,
    since: str,
    csv_path: Path | None,
    json_path: Path | None,
    merchant: str | None,
    unmasked: bool,
    user: str | None,
) -> None:
    """One row per interaction with its tags, times and outcome (or one merchant's timeline)."""
    from supportbot.access.roles import roles_of
    from supportbot.core.argtypes import MerchantId
    from supportbot.core.message import User
    from supportbot.dispatch.bot import open_store
    from supportbot.record.export import (
        INTERACTION_COLUMNS,
        TIMELINE_COLUMNS,
        export_interactions,
        export_timeline,
        render,
    )
    from supportbot.record.timeline import parse_window
    from supportbot.terminal.session import terminal_user

    if (csv_path is None) == (json_path is None):
        fail("say where to write: --csv FILE or --json FILE (one of them; - is the terminal)")
    settings = env.settings()
    try:
        window = parse_window(since)
    except Exception as exc:
        fail(getattr(exc, "user_message", str(exc)))
    who: User = terminal_user(user)
    if unmasked:
        allowed = set(settings.personal_data_roles)
        if allowed and not allowed & roles_of(who, settings):
            fail(
                f"--unmasked is for {', '.join(sorted(allowed))}; {who.display} may export "
                "only masked data (drop --unmasked)"
            )
    if merchant is not None:
        try:
            merchant = str(MerchantId.parse(merchant))
        except ValueError:
            fail(f"{merchant[:40]!r} is not a merchant id (M-10001)")
    region = settings.phone_region

    async def collect() -> list[dict[str, Any]]:
        store = await open_store(settings)
        try:
            start = datetime.now(UTC) - window
            if merchant is not None:
                return await export_timeline(
                    store, merchant, since=start, unmasked=unmasked, region=region
                )
            return await export_interactions(store, since=start, unmasked=unmasked, region=region)
        finally:
            await store.close()

    rows = asyncio.run(collect())
    columns = TIMELINE_COLUMNS if merchant is not None else INTERACTION_COLUMNS
    fmt, path = ("csv", csv_path) if csv_path is not None else ("json", json_path)
    text = render(rows, columns, fmt)
    if path is None or str(path) == "-":
        sys.stdout.write(text)
    else:
        path.write_text(text, encoding="utf-8")
        click.echo(f"supportbot: wrote {len(rows)} rows to {path}", err=True)


RECORD_COMMANDS = [record]
