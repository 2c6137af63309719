"""recover: each kind of error becomes an outcome and a sentence; failures carry their ref."""

from __future__ import annotations

import logging

import pytest

from supportbot import (
    Context,
    NotAllowed,
    Outcome,
    Reply,
    ServiceUnavailable,
    UnknownCommandError,
    UsageError,
    command,
)
from supportbot.dispatch.middleware import recover_link

from .conftest import StubNext, request, spec


@command("wait", timeout_s=2.5, examples=("/wait 3",))
async def wait(ctx: Context, seconds: int) -> str:
    """Waits."""
    return "waited"


def failing(error: BaseException, *, resolved: bool = True) -> StubNext:
    """The rest of the chain: it found /wait (unless not `resolved`), then raised `error`."""

    def found(passed: object) -> None:
        if resolved:
            passed.notes.spec = spec(wait)  # type: ignore[attr-defined]

    return StubNext(error=error, effect=found)


@pytest.mark.parametrize(
    ("error", "outcome", "text"),
    [
        (
            UnknownCommandError("wiat", ["wait"]),
            Outcome.REJECTED,
            "There is no command /wiat. Did you mean /wait? Type /help for the list.",
        ),
        (UsageError("<seconds> is missing."), Outcome.REJECTED, "<seconds> is missing."),
        (
            NotAllowed("wait", ["lead"], "Ask a lead."),
            Outcome.DENIED,
            "You cannot run /wait: only people with the lead role can. Nothing was done. "
            "Ask a lead.",
        ),
    ],
)
async def test_refusals_become_their_outcome_and_sentence(
    error: Exception, outcome: Outcome, text: str
) -> None:
    started = request("/wait")
    reply = await recover_link(10.0)(started, failing(error))
    assert (reply.outcome, reply.text) == (outcome, text)
    assert reply.error_ref is None and started.notes.error is error


async def test_a_usage_error_gets_the_commands_usage_and_example() -> None:
    reply = await recover_link(10.0)(request("/wait"), failing(UsageError("bad")))
    assert reply.usage == spec(wait).usage and reply.example == "/wait 3"


async def test_a_timeout_names_the_commands_own_deadline_and_the_reference() -> None:
    started = request("/wait 9")
    reply = await recover_link(10.0)(started, failing(TimeoutError()))
    assert reply.outcome is Outcome.TIMEOUT and reply.error_ref == started.request_id
    assert "2.5" in (reply.text or "") and started.request_id in (reply.text or "")


async def test_a_service_error_says_what_the_service_did() -> None:
    error = ServiceUnavailable("billing", "billing did not answer")
    started = request("/wait 1")
    reply = await recover_link(10.0)(started, failing(error))
    assert reply.outcome is Outcome.ERROR and reply.text == error.user_message
    assert reply.error_ref == started.request_id


async def test_a_crash_is_logged_and_answered_without_its_details(
    caplog: pytest.LogCaptureFixture,
) -> None:
    started = request("/wait 1")
    with caplog.at_level(logging.ERROR):
        reply = await recover_link(10.0)(
            started, failing(RuntimeError("password is hunter2"), resolved=False)
        )
    assert reply.outcome is Outcome.ERROR and reply.error_ref == started.request_id
    assert "hunter2" not in (reply.text or "") and started.request_id in (reply.text or "")
    assert "hunter2" in caplog.text  # the traceback is for engineers, in the log


async def test_a_failure_the_command_returned_gets_the_runs_reference() -> None:
    started = request("/wait 1")
    failed = Reply(outcome=Outcome.ERROR, text="billing is down")
    reply = await recover_link(10.0)(started, StubNext(failed))
    assert reply.text == "billing is down" and reply.error_ref == started.request_id
    fine = await recover_link(10.0)(started, StubNext())
    assert fine.error_ref is None
