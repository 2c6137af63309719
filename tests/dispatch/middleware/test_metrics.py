"""metrics: every run counted by command and outcome, and timed; a crash counted too."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from supportbot import Context, Outcome, Reply, command
from supportbot.core.logs import current_request_id
from supportbot.dispatch.middleware import metrics_link
from supportbot.services.metrics import Metrics

from .conftest import StubNext, request, spec


@command("merchant")
async def merchant(ctx: Context) -> str:
    """Looks a merchant up."""
    return "found"


def sample(own: Metrics, name: str, **labels: str) -> float | None:
    return own.registry.get_sample_value(name, labels)


async def test_a_run_is_counted_by_command_and_outcome_and_timed() -> None:
    own = Metrics(CollectorRegistry())
    started = request("/merchant")
    logged_as: list[str | None] = []

    async def slow_lookup(passed: Any) -> Reply:
        passed.notes.spec = spec(merchant)  # what resolve learns further in
        logged_as.append(current_request_id())
        await asyncio.sleep(0.05)
        return Reply(outcome=Outcome.NOT_FOUND, text="no such merchant")

    await metrics_link(own)(started, slow_lookup)
    counted = {"command": "merchant", "outcome": "not_found"}
    assert sample(own, "supportbot_commands_total", **counted) == 1
    timed = "supportbot_command_duration_seconds"
    assert sample(own, f"{timed}_count", command="merchant") == 1
    took = sample(own, f"{timed}_sum", command="merchant")
    assert took is not None and took >= 0.05
    assert logged_as == [started.request_id]  # every log line of the run carries its id


async def test_a_run_that_raised_is_counted_as_crashed_under_unknown() -> None:
    own = Metrics(CollectorRegistry())
    with pytest.raises(RuntimeError):
        await metrics_link(own)(request("/x"), StubNext(error=RuntimeError("a bug")))
    counted = {"command": "unknown", "outcome": "crashed"}
    assert sample(own, "supportbot_commands_total", **counted) == 1
