"""audit: one record per run, in a real database, with personal data masked."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from supportbot import Context, Outcome, PhoneNumber, Reply, command
from supportbot.dispatch.middleware import audit_link
from supportbot.storage import Store

from .conftest import AGENT, StubNext, request, settings_for, spec, valid


@command("lookup")
async def lookup(ctx: Context, phone: PhoneNumber) -> str:
    """Looks a phone number up."""
    return "found"


async def test_a_run_is_recorded_once_with_its_arguments_masked(
    store: Store, tmp_path: Path
) -> None:
    ran = valid(spec(lookup), "/lookup 0812-3456-7890", settings_for(tmp_path), channel="C0S")
    answer = Reply(outcome=Outcome.NOT_FOUND, text="no merchant has 0812-••••-7890")
    reply = await audit_link(store.audit, "ID")(ran, StubNext(answer))
    assert reply is answer
    [entry] = await store.audit.query(limit=10)
    assert entry.request_id == ran.request_id and entry.command == "lookup"
    assert entry.arguments == "phone=0812-••••-7890" and "3456" not in entry.arguments
    assert (entry.user_id, entry.user_name, entry.adapter, entry.channel) == (
        AGENT.id,
        "agent",
        "test",
        "C0S",
    )
    assert entry.outcome == "not_found" and entry.error is None


async def test_an_unknown_command_is_recorded_as_typed_its_text_masked(store: Store) -> None:
    typed = request("/lokup 0812-3456-7890 sinar@example.id")

    def resolve_found_nothing(passed: object) -> None:
        typed.notes.typed_name = "lokup"
        typed.notes.raw_arguments = "0812-3456-7890 sinar@example.id"

    refused = Reply(outcome=Outcome.REJECTED, text="There is no command /lokup.")
    await audit_link(store.audit, "ID")(typed, StubNext(refused, effect=resolve_found_nothing))
    [entry] = await store.audit.query(limit=10)
    assert entry.command == "lokup" and entry.outcome == "rejected"
    assert "3456" not in entry.arguments and "sinar@" not in entry.arguments


async def test_an_abandoned_run_is_recorded_as_cancelled_and_stays_cancelled(
    store: Store,
) -> None:
    with pytest.raises(asyncio.CancelledError):
        await audit_link(store.audit, "ID")(
            request("/lookup 1"), StubNext(error=asyncio.CancelledError())
        )
    [entry] = await store.audit.query(limit=10)
    assert entry.outcome == "cancelled"
