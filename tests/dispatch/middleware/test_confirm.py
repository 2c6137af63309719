"""confirm: an action stops at its question (stored, masked) and nothing runs until it is
confirmed; a lookup, and a confirmed run, go straight on."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from supportbot import Context, Outcome, PhoneNumber, Reply, TransactionId, command
from supportbot.actions.runs import ConfirmedRun
from supportbot.dispatch.middleware import confirm_link
from supportbot.storage import Store

from .conftest import AGENT, StubNext, desk_on, settings_for, spec, valid


async def amount_of(ctx: Context, tx: TransactionId, phone: PhoneNumber) -> Any:
    if str(tx) == "TX-404":
        return Reply(outcome=Outcome.NOT_FOUND, text="There is no transaction TX-404.")
    return {"amount": "Rp 10.000"}


@command("refund", confirm="Refund {amount} of {tx} to {phone}?", preview=amount_of)
async def refund(ctx: Context, tx: TransactionId, phone: PhoneNumber) -> str:
    """Refunds."""
    return "refunded"


@command("lookup")
async def lookup(ctx: Context) -> str:
    """Looks up."""
    return "found"


async def test_an_action_stops_at_its_question_and_nothing_runs(
    store: Store, tmp_path: Path
) -> None:
    rest = StubNext()
    asked = valid(spec(refund), "/refund TX-1042 0812-3456-7890", settings_for(tmp_path))
    reply = await confirm_link(desk_on(store), "ID")(asked, rest)
    assert rest.calls == []
    assert reply.outcome is Outcome.PENDING
    # No personal_data_roles: the requester reads the number whole; the stored question is masked.
    assert reply.text == "Refund Rp 10.000 of TX-1042 to +6281234567890?"
    assert reply.confirmation is not None
    assert {b.action for b in reply.buttons} == {"confirm", "cancel"}
    stored = await store.actions.get_pending(reply.confirmation.token)
    assert stored is not None and stored.state == "pending"
    assert stored.user_id == AGENT.id and stored.text == "/refund TX-1042 0812-3456-7890"
    assert stored.prompt == "Refund Rp 10.000 of TX-1042 to 0812-••••-7890?"


async def test_the_question_is_masked_for_a_requester_without_a_personal_data_role(
    store: Store, tmp_path: Path
) -> None:
    asked = valid(spec(refund), "/refund TX-1042 0812-3456-7890", settings_for(tmp_path))
    link = confirm_link(desk_on(store), "ID", personal_data_roles=["lead"])
    reply = await link(asked, StubNext())
    assert reply.text == "Refund Rp 10.000 of TX-1042 to 0812-••••-7890?"
    assert reply.confirmation is not None and "3456" not in reply.confirmation.prompt
    lead = replace(asked, roles=frozenset({"lead"}))
    shown = await link(lead, StubNext())
    assert shown.text == "Refund Rp 10.000 of TX-1042 to +6281234567890?"


async def test_a_preview_that_finds_nothing_answers_and_asks_nothing(
    store: Store, tmp_path: Path
) -> None:
    rest = StubNext()
    asked = valid(spec(refund), "/refund TX-404 0812-3456-7890", settings_for(tmp_path))
    reply = await confirm_link(desk_on(store), "ID")(asked, rest)
    assert reply.outcome is Outcome.NOT_FOUND and rest.calls == []
    assert reply.confirmation is None and await store.actions.awaiting_approval() == []


async def test_a_lookup_and_a_confirmed_action_go_on(store: Store, tmp_path: Path) -> None:
    settings, rest = settings_for(tmp_path), StubNext()
    confirm = confirm_link(desk_on(store), "ID")
    assert (await confirm(valid(spec(lookup), "/lookup", settings), rest)).text == "ran"
    text = "/refund TX-1042 0812-3456-7890"
    run = ConfirmedRun(
        message=valid(spec(refund), text, settings).message, token="t", idempotency_key="t"
    )
    confirmed = valid(spec(refund), text, settings, confirmed=run)
    assert (await confirm(confirmed, rest)).text == "ran"
    assert len(rest.calls) == 2


PREVIEWED: list[str] = []


async def counted_preview(ctx: Context, tx: TransactionId) -> Any:
    PREVIEWED.append(str(tx))
    return {}


@command("void", confirm="Void {tx}?", preview=counted_preview)
async def void(ctx: Context, tx: TransactionId) -> str:
    """Voids."""
    return "voided"


async def test_an_action_the_database_cannot_record_is_refused_before_its_preview(
    store: Store, tmp_path: Path
) -> None:
    store.writer.notice("the disk is full (/data): free some space")
    PREVIEWED.clear()
    asked = valid(spec(void), "/void TX-1042", settings_for(tmp_path))
    reply = await confirm_link(desk_on(store), "ID")(asked, StubNext())
    assert PREVIEWED == []  # nothing was called for a question that could not be stored
    assert reply.outcome is Outcome.ERROR and reply.confirmation is None
    assert reply.text is not None and reply.text.startswith(
        "Could not record /void, so nothing was done"
    )
    assert "Try again in a minute" in reply.text
    assert asked.notes.error is not None  # for the audit record
    assert await store.actions.awaiting_approval() == []
