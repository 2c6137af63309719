"""The terminal adapter's own behaviour: completion, history and the progress of slow lookups."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Coroutine
from concurrent.futures import Future
from typing import Any, TypeVar

from supportbot import Reply, User
from supportbot.services.progress import listening, report
from supportbot.terminal.progress import LookupProgress
from supportbot.terminal.session import TerminalSession, _setup_readline
from supportbot.testing import BotTester

T = TypeVar("T")
AGENT = User(id="terminal:agent", name="agent")


class SameLoop:
    """A BotRunner for a bot on the test's own loop (the session never blocks in these tests)."""

    def __init__(self, bot: Any) -> None:
        self.bot = bot

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        raise NotImplementedError

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        raise NotImplementedError


async def test_tab_completes_only_the_commands_this_user_may_run() -> None:
    import readline

    async with BotTester.demo(commands=("commands",), user=AGENT) as tester:
        session = TerminalSession(SameLoop(tester.bot), AGENT)
        _setup_readline(session, None)
        complete = readline.get_completer()
        offered = []
        while (found := complete("/", len(offered))) is not None:
            offered.append(found)
    assert "/merchant" in offered and "/resend-receipt" in offered
    assert "/refund" not in offered and "/audit" not in offered  # /help hides them too


async def test_a_slow_lookup_shows_the_services_and_ticks_them_off() -> None:
    out = io.StringIO()
    progress = LookupProgress("/merchant M-10001", out=out, delay_s=0.01)
    progress.start()
    with listening(progress.event):
        report("merchants", "asked")
        report("billing", "asked")
        await asyncio.sleep(0.05)
        report("merchants", "answered")
        report("billing", "answered", False)
    progress.finish()
    lines = out.getvalue().splitlines()
    assert lines[0] == "Looking up /merchant M-10001 in merchants, billing…"
    assert lines[1].startswith("  merchants answered after 0.")
    assert lines[2].startswith("  billing failed after 0.")


async def test_a_quick_lookup_shows_no_progress_at_all() -> None:
    out = io.StringIO()
    progress = LookupProgress("/merchant M-10001", out=out, delay_s=0.5)
    progress.start()
    with listening(progress.event):
        report("merchants", "asked")
        report("merchants", "answered")
    progress.finish()
    await asyncio.sleep(0)
    assert out.getvalue() == ""


def test_reporting_without_a_listener_does_nothing() -> None:
    report("billing", "asked")  # no listener set: no error, no output


async def test_every_service_call_of_a_command_is_reported_to_the_listener() -> None:
    events: list[tuple[str, str, bool]] = []
    async with BotTester.demo(commands=("commands",), user=AGENT) as tester:
        with listening(lambda service, event, ok: events.append((service, event, ok))):
            await tester.run("/merchant M-10001")
        await tester.sample.stop_service("billing")
        with listening(lambda service, event, ok: events.append((service, event, ok))):
            await tester.run("/merchant M-10001")
    asked = {service for service, event, _ in events if event == "asked"}
    assert asked == {"merchants", "billing", "devices", "transactions"}
    assert events.count(("billing", "answered", True)) == 1
    assert events.count(("billing", "answered", False)) == 1


async def test_a_decision_told_at_the_prompt_shows_the_prompt_and_the_typing_again() -> None:
    async with BotTester.demo() as bot:
        out = io.StringIO()
        session = TerminalSession(SameLoop(bot.bot), AGENT, out=out)
        session.tell(Reply(text="lina approved your /refund."))
        assert out.getvalue() == "lina approved your /refund.\n"  # not at the prompt: as is
        out.seek(0), out.truncate()
        session._at_prompt = lambda: "/merch"  # waiting at the prompt, half a command typed
        session.tell(Reply(text="lina turned down your /refund."))
        assert out.getvalue() == "\nlina turned down your /refund.\nsupportbot> /merch"
