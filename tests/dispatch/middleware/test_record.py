"""record: a run about a merchant becomes a line on its timeline, attached to the agent's open
interaction with that merchant; other runs leave the record alone."""

from __future__ import annotations

from datetime import UTC, datetime

from supportbot import Context, MerchantId, Outcome, Reply, command
from supportbot.dispatch.middleware import record_link
from supportbot.storage import Interaction, Store

from .conftest import AGENT, StubNext, resolved, spec


@command("lookup")
async def lookup(ctx: Context, merchant: MerchantId) -> str:
    """Looks a merchant up."""
    return "found"


def _run(text: str):
    """A resolved run whose arguments `validate` bound."""
    found = resolved(spec(lookup), text)
    found.notes.arguments = {"merchant": MerchantId.parse(text.split()[1])}
    return found


async def test_a_lookup_attaches_to_the_open_interaction_with_that_merchant(store: Store) -> None:
    opened = Interaction(
        ref="I-AAAAAA",
        channel="chat",
        agent_id=AGENT.id,
        opened_at=datetime.now(UTC),
        merchant_id="M-10001",
    )
    await store.record.open_interaction(opened)
    await record_link(store, "ID")(_run("/lookup M-10001"), StubNext())
    await record_link(store, "ID")(_run("/lookup M-10002"), StubNext())
    (attached,) = (await store.record.timeline("M-10001")).events
    assert attached.interaction_ref == "I-AAAAAA" and attached.kind == "command"
    (other,) = (await store.record.timeline("M-10002")).events
    assert other.interaction_ref is None and "no interaction" in other.summary
    first = await store.record.interaction("I-AAAAAA")
    assert first is not None and first.first_reply_at is not None


async def test_refused_runs_and_runs_that_wrote_the_record_leave_no_line(store: Store) -> None:
    await record_link(store, "ID")(
        _run("/lookup M-10001"), StubNext(Reply(outcome=Outcome.REJECTED, text="no"))
    )
    handled = _run("/lookup M-10001")
    handled.notes.record_handled = True
    await record_link(store, "ID")(handled, StubNext())
    assert (await store.record.timeline("M-10001")).events == []


async def test_without_a_database_the_run_is_answered_as_usual() -> None:
    reply = await record_link(None, "ID")(_run("/lookup M-10001"), StubNext())
    assert reply.text == "ran"
