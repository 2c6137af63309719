"""The terminal adapter: `supportbot shell`, `supportbot demo` and `supportbot exec`.

It turns typed lines into Messages, renders Replies as text (or JSON), asks y/N for
confirmations, and lets a number pick from a pick-list. No command logic lives here.
"""

from __future__ import annotations

import asyncio
import getpass
import os
import sys
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import CancelledError, Future
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO, TypeVar

from supportbot.access.roles import may_run
from supportbot.actions import wording as action_messages
from supportbot.core.message import Message, User
from supportbot.core.render import render_json, render_text
from supportbot.core.reply import Outcome, Reply
from supportbot.services.progress import listening

from . import wording as messages
from .decisions import DecisionWatcher
from .progress import LookupProgress

if TYPE_CHECKING:
    from supportbot.dispatch.bot import Bot

__all__ = ["BotRunner", "TerminalSession", "terminal_user"]

T = TypeVar("T")


class BotRunner(Protocol):
    """A bot on an event loop of its own (`supportbot.app.runtime.BotThread`): the session hands
    it coroutines from the terminal's thread."""

    bot: Bot | None

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]: ...

    def call(self, coro: Coroutine[Any, Any, T]) -> T: ...


EXIT_WORDS = {"exit", "quit", ":q", "/exit", "/quit"}
PROMPT = "supportbot> "
#: Seconds the shell waits at start to learn which configured services answer.
START_CHECK_S = 1.5


def terminal_user(name: str | None = None) -> User:
    """The person at the terminal: `--as NAME`, else the login name."""
    if not name:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):
            name = "terminal"
    return User(id=f"terminal:{name}", name=name)


class TerminalSession:
    """One person talking to the bot from a terminal."""

    def __init__(
        self,
        runtime: BotRunner,
        user: User,
        *,
        json_output: bool = False,
        assume_yes: bool = False,
        out: TextIO = sys.stdout,
        ask: Callable[[str], str] = input,
    ) -> None:
        self.runtime = runtime
        self.user = user
        self.json_output = json_output
        self.assume_yes = assume_yes
        self.out = out
        self.ask = ask
        self._last_choices: list[str] = []
        #: Show "Looking up …" while a slow command waits (on stderr); off for tests.
        self.progress = True
        #: Held while printing, so a decision told from the bot's thread never splits a reply.
        self._printing = threading.Lock()
        #: The line being typed, when the shell waits at its prompt (readline's, if any).
        self._at_prompt: Callable[[], str] | None = None

    def show(self, reply: Reply) -> None:
        """Print a reply."""
        text = render_json(reply) if self.json_output else render_text(reply)
        with self._printing:
            print(text, file=self.out, flush=True)

    def tell(self, reply: Reply) -> None:
        """Print a reply nobody typed a command for (an approver's decision), between prompts:
        the prompt and what was typed so far are shown again under it."""
        typed = self._at_prompt
        with self._printing:
            if typed is not None:
                print(file=self.out)  # off the prompt's line
            print(render_text(reply), file=self.out, flush=True)
            if typed is not None:
                print(PROMPT + typed(), end="", file=self.out, flush=True)

    def watch_decisions(self) -> Future[None] | None:
        """Start telling this user what approvers decide about their requests (from any
        process); None for a bot without a database. Cancel the future to stop."""
        bot = self.runtime.bot
        ledger = bot.actions.ledger if bot is not None else None
        if ledger is None:
            return None
        return self.runtime.submit(DecisionWatcher(ledger, self.user, self.tell).run())

    def _confirm(self, reply: Reply) -> Reply:
        assert reply.confirmation is not None
        token = reply.confirmation.token
        bot = self.runtime.bot
        assert bot is not None
        if self.assume_yes and reply.confirmation.allow_yes:
            answer = "y"
        else:
            if self.assume_yes:
                print(action_messages.yes_not_allowed(), file=self.out)
            try:
                answer = self.ask("Confirm? [y/N] ").strip().lower()
            except (EOFError, KeyboardInterrupt):
                answer = ""
                print(file=self.out)
        if answer in ("y", "yes"):
            return self.runtime.call(bot.actions.confirm(token, self.user))
        return self.runtime.call(bot.actions.cancel(token, self.user))

    def pick(self, text: str) -> str | None:
        """The command a typed number picks from the last pick-list; None when `text` is not a
        number. A number not on the list, or with no list shown yet, raises LookupError."""
        stripped = text.strip()
        if not stripped.isdigit():
            return None
        if not self._last_choices:  # a number, and no list to pick from: say so
            raise LookupError(messages.nothing_to_pick(stripped))
        index = int(stripped) - 1
        if not 0 <= index < len(self._last_choices):
            raise LookupError(messages.no_such_pick(stripped, len(self._last_choices)))
        return self._last_choices[index]

    def run(self, text: str) -> Reply:
        """Run one line as this user; handles confirmation and prints every reply."""
        bot = self.runtime.bot
        assert bot is not None
        try:
            picked = self.pick(text)
        except LookupError as slip:  # a slip keeps the list: the next number may be right
            reply = Reply(outcome=Outcome.REJECTED, text=str(slip))
            self.show(reply)
            return reply
        message = Message(text=picked or text, user=self.user, adapter="terminal")
        future = self.runtime.submit(self._handle(message))
        try:
            reply = future.result()
        except KeyboardInterrupt:
            future.cancel()
            raise
        if reply.choices or picked is None:
            # A pick keeps its list (open the other entry next); anything else replaces it.
            self._last_choices = [choice.command for choice in reply.choices]
        if reply.confirmation is not None and not self.json_output:
            self.show(reply)
            reply = self._confirm(reply)
        elif reply.confirmation is not None:
            reply = self._confirm(reply)
        self.show(reply)
        if reply.choices and not self.json_output:
            print(messages.pick_hint(len(reply.choices)), file=self.out, flush=True)
        return reply

    async def _handle(self, message: Message) -> Reply:
        bot = self.runtime.bot
        assert bot is not None
        if not self.progress:
            return await bot.handle(message)
        progress = LookupProgress(message.text)
        progress.start()
        try:
            with listening(progress.event):
                return await bot.handle(message)
        finally:
            progress.finish()

    def check_services(self) -> None:
        """Warn when a configured service does not answer (at the start of the shell)."""
        bot = self.runtime.bot
        if bot is None or not len(bot.services):
            return

        async def probe() -> list[tuple[str, str]]:
            try:
                async with asyncio.timeout(START_CHECK_S):
                    found = await bot.services.health()
            except TimeoutError:
                return [("some services", f"no answer within {START_CHECK_S:g} s")]
            return [(h.service, h.detail) for h in found if h.status == "fail"]

        problems = self.runtime.call(probe())
        if problems:
            print(messages.services_unreachable(problems), file=self.out, flush=True)

    def repl(self, history_file: Path | None = None) -> None:
        """Read, run, print until exit or Ctrl-D; Ctrl-C abandons the current line."""
        piped = self.ask is input and not sys.stdin.isatty()
        if piped:
            # A transcript: each line read is shown after its prompt, and at the end of the
            # input no prompt is left waiting.
            self.ask = _echoing_reader(sys.stdin, self.out)
        readline = None if piped else _setup_readline(self, history_file)
        print(_banner(self), file=self.out)
        self.check_services()
        watching = self.watch_decisions()
        try:
            self._loop(piped, readline)
        finally:
            if watching is not None:
                watching.cancel()

    def _loop(self, piped: bool, readline: Any) -> None:
        typed: Callable[[], str] = readline.get_line_buffer if readline is not None else str
        while True:
            try:
                self._at_prompt = None if piped else typed
                line = self.ask(PROMPT)
            except EOFError:
                if not piped:
                    print(file=self.out)
                break
            except KeyboardInterrupt:
                print("^C", file=self.out)
                continue
            finally:
                self._at_prompt = None
            if line.strip().lower() in EXIT_WORDS:
                break
            if not line.strip():
                continue
            if readline is not None and not line.strip().isdigit():
                readline.add_history(line.strip())  # commands only: no y, pick numbers, exit
            try:
                self.run(line)
            except (KeyboardInterrupt, CancelledError):
                print("\nStopped.", file=self.out)


def _echoing_reader(stream: TextIO, out: TextIO) -> Callable[[str], str]:
    def read(prompt: str) -> str:
        line = stream.readline()
        if not line:
            raise EOFError
        text = line.rstrip("\r\n")
        print(f"{prompt}{text}", file=out, flush=True)
        return text

    return read


def _banner(session: TerminalSession) -> str:
    bot = session.runtime.bot
    user = session.user
    count = sum(may_run(spec, user, bot.settings) for spec in bot.registry) if bot else 0
    return messages.banner(count, user.display)


def _setup_readline(session: TerminalSession, history_file: Path | None) -> Any:
    """Tab completion of the commands this user may run, and the history; the readline module
    (None without one: the shell still works, without history)."""
    try:
        import readline
    except ImportError:  # Windows without pyreadline
        return None
    bot = session.runtime.bot
    names = (
        sorted(
            f"/{spec.name}" for spec in bot.registry if may_run(spec, session.user, bot.settings)
        )
        if bot
        else []
    )

    def complete(text: str, state: int) -> str | None:
        buffer = readline.get_line_buffer()
        if " " in buffer.lstrip():
            return None  # only the command name completes
        prefix = text if text.startswith("/") else f"/{text}"
        matches = [n if text.startswith("/") else n[1:] for n in names if n.startswith(prefix)]
        return matches[state] if state < len(matches) else None

    readline.set_completer(complete)
    readline.set_completer_delims(" \t\n")
    readline.parse_and_bind("tab: complete")
    readline.set_auto_history(False)  # the loop adds commands itself
    if history_file is not None:
        try:
            history_file.parent.mkdir(parents=True, exist_ok=True)
            if history_file.exists():
                readline.read_history_file(history_file)
        except OSError:
            return readline
        readline.set_history_length(1000)
        import atexit

        atexit.register(_save_history, readline, history_file)
    return readline


def _save_history(readline_module: object, history_file: Path) -> None:
    try:
        readline_module.write_history_file(str(history_file))  # type: ignore[attr-defined]
        os.chmod(history_file, 0o600)  # lines may hold customers' phone numbers
    except OSError:
        pass


def exit_code(reply: Reply) -> int:
    """The process exit code for `supportbot exec`."""
    if reply.outcome is Outcome.CANCELLED:
        return 1
    return reply.outcome.exit_code
