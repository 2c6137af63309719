"""ratelimit: runs counted from the audit trail; the limit-th run refused, saying when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from supportbot import Context, Outcome, command
from supportbot.core.request_ids import new_request_id
from supportbot.dispatch.middleware import ratelimit_link
from supportbot.storage import AuditEntry, Store

from .conftest import AGENT, StubNext, settings_for, spec, valid


@command("resend", rate_limit="2/hour")
async def resend(ctx: Context) -> str:
    """Resends."""
    return "resent"


async def ran(store: Store, ago: timedelta, outcome: str = "ok", user: str = AGENT.id) -> None:
    """An earlier run in the audit trail."""
    await store.audit.record(
        AuditEntry(
            request_id=new_request_id(),
            at=datetime.now(UTC) - ago,
            user_id=user,
            adapter="test",
            command="resend",
            arguments="",
            outcome=outcome,
            duration_ms=1.0,
        )
    )


async def test_runs_under_the_limit_go_on(store: Store, tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    await ran(store, timedelta(minutes=10))
    await ran(store, timedelta(minutes=5), outcome="rejected")  # did not run: not counted
    await ran(store, timedelta(minutes=5), user="test:other")  # someone else's
    rest = StubNext()
    reply = await ratelimit_link(store.audit, settings)(
        valid(spec(resend), "/resend", settings), rest
    )
    assert reply.text == "ran" and len(rest.calls) == 1


async def test_the_limit_th_run_is_refused_with_when_it_may_run_again(
    store: Store, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path)
    await ran(store, timedelta(minutes=50))
    await ran(store, timedelta(minutes=20))
    rest = StubNext()
    reply = await ratelimit_link(store.audit, settings)(
        valid(spec(resend), "/resend", settings), rest
    )
    assert reply.outcome is Outcome.RATE_LIMITED and rest.calls == []
    # The oldest counted run leaves the hour in 10 minutes: then it may run again.
    again = (datetime.now(UTC) + timedelta(minutes=10)).replace(second=0, microsecond=0)
    shown = {f"{again:%H:%M}", f"{again + timedelta(minutes=1):%H:%M}"}
    assert reply.text is not None
    assert reply.text.startswith("You have run /resend twice in the last hour, its limit.")
    assert "You can run it again at " in reply.text
    # (with the date in front when that is tomorrow already)
    assert any(f"{clock} UTC; ask a lead" in reply.text for clock in shown), reply.text
