"""deadline: every database call of a run waits at most the time the run has left."""

from __future__ import annotations

import asyncio
from pathlib import Path

from supportbot import Context, command
from supportbot.dispatch.middleware import deadline_link
from supportbot.storage.deadlines import time_left

from .conftest import StubNext, settings_for, spec, valid


@command("lookup", timeout_s=2.0)
async def lookup(ctx: Context) -> str:
    """Looks up."""
    return "found"


async def test_database_calls_inside_the_run_wait_at_most_its_remaining_time(
    tmp_path: Path,
) -> None:
    seen: list[float] = []
    rest = StubNext(effect=lambda request: seen.append(time_left(30.0)))
    request = valid(spec(lookup), "/lookup", settings_for(tmp_path))
    await deadline_link()(request, rest)
    [allowed] = seen
    # The run's 2 s less the reserve kept for answering (a tenth): not a database's 30 s.
    assert 1.5 < allowed <= 1.8, allowed
    assert request.notes.database_deadline is not None
    left = request.notes.database_deadline - asyncio.get_running_loop().time()
    assert 1.5 < left <= 1.8, left
    assert time_left(30.0) == 30.0  # outside the run, a call keeps its own bound
