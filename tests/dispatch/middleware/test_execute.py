"""execute: a confirmed action runs once per key; a second run says "already done"; a crash
is recorded as the run's outcome and offers Retry and Escalate."""

from __future__ import annotations

from pathlib import Path

from supportbot import Context, Outcome, Reply, TransactionId, command
from supportbot.actions.runs import ConfirmedRun
from supportbot.core.message import Message
from supportbot.dispatch.chain import ValidRequest
from supportbot.dispatch.middleware import execute_link
from supportbot.storage import Store

from .conftest import AGENT, StubNext, desk_on, settings_for, spec, valid

TEXT = "/resend TX-1042"


@command("resend", confirm="Resend {tx}?")
async def resend(ctx: Context, tx: TransactionId) -> str:
    """Resends a receipt."""
    return "resent"


def confirmed_run(tmp_path: Path, key: str = "key-1") -> ValidRequest:
    run = ConfirmedRun(message=Message(text=TEXT, user=AGENT), token=key, idempotency_key=key)
    return valid(spec(resend), TEXT, settings_for(tmp_path), confirmed=run)


async def test_a_second_run_of_the_same_key_says_already_done_and_does_not_run(
    store: Store, tmp_path: Path
) -> None:
    execute = execute_link(desk_on(store), "ID")
    rest = StubNext(Reply(text="Receipt for TX-1042 resent."))
    first = await execute(confirmed_run(tmp_path), rest)
    assert first.text == "Receipt for TX-1042 resent." and len(rest.calls) == 1
    second = await execute(confirmed_run(tmp_path), rest)
    assert len(rest.calls) == 1  # nothing ran again
    assert second.text is not None and second.text.startswith("Already done at ")
    assert "by agent; it was not done again" in second.text
    assert "Receipt for TX-1042 resent." in second.text  # with the first run's answer
    run = await store.actions.get_run("key-1")
    assert run is not None and run.state == "done" and run.arguments == "tx=TX-1042"


async def test_a_crash_is_the_runs_outcome_and_offers_retry_and_escalate(
    store: Store, tmp_path: Path
) -> None:
    execute = execute_link(desk_on(store), "ID")
    crashed = confirmed_run(tmp_path)
    reply = await execute(crashed, StubNext(error=RuntimeError("receipts fell over")))
    assert reply.outcome is Outcome.ERROR
    assert {b.action: b.value for b in reply.buttons}["escalate"] == crashed.request_id
    assert {b.action for b in reply.buttons} == {"confirm", "escalate"}
    assert isinstance(crashed.notes.error, RuntimeError)
    run = await store.actions.get_run("key-1")
    assert run is not None and run.state == "failed"


async def test_a_lookup_and_an_unconfirmed_action_go_straight_on(
    store: Store, tmp_path: Path
) -> None:
    rest = StubNext()
    asked = valid(spec(resend), TEXT, settings_for(tmp_path))
    assert (await execute_link(desk_on(store), "ID")(asked, rest)).text == "ran"
    assert await store.actions.get_run("key-1") is None


async def test_an_intent_that_cannot_be_committed_runs_nothing_and_says_so(
    store: Store, tmp_path: Path
) -> None:
    store.writer.notice("PostgreSQL cannot be reached: connection refused")
    rest = StubNext()
    run = confirmed_run(tmp_path)
    reply = await execute_link(desk_on(store), "ID")(run, rest)
    assert rest.calls == []  # the service is never called without its intent committed
    assert reply.outcome is Outcome.ERROR
    assert reply.text is not None
    assert reply.text.startswith("Could not record /resend, so nothing was done")
    assert run.notes.error is not None
