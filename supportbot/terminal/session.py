"""The terminal adapter: `supportbot shell`, `supportbot demo` and `supportbot exec`.

It turns typed lines into Messages, renders Replies as text (or JSON), asks y/N for
confirmations, and lets a number pick from a pick-list. No command logic lives here.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Coroutine
from concurrent.futures import CancelledError, Future
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO, TypeVar

from supportbot.actions import wording as messages
from supportbot.core.message import Message, User
from supportbot.core.render import render_json, render_text
from supportbot.core.reply import Outcome, Reply

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

    def show(self, reply: Reply) -> None:
        """Print a reply."""
        text = render_json(reply) if self.json_output else render_text(reply)
        print(text, file=self.out, flush=True)

    def _confirm(self, reply: Reply) -> Reply:
        assert reply.confirmation is not None
        token = reply.confirmation.token
        bot = self.runtime.bot
        assert bot is not None
        if self.assume_yes and reply.confirmation.allow_yes:
            answer = "y"
        else:
            if self.assume_yes:
                print(messages.yes_not_allowed(), file=self.out)
            try:
                answer = self.ask("Confirm? [y/N] ").strip().lower()
            except (EOFError, KeyboardInterrupt):
                answer = ""
                print(file=self.out)
        if answer in ("y", "yes"):
            return self.runtime.call(bot.actions.confirm(token, self.user))
        return self.runtime.call(bot.actions.cancel(token, self.user))

    def run(self, text: str) -> Reply:
        """Run one line as this user; handles confirmation and prints every reply."""
        bot = self.runtime.bot
        assert bot is not None
        stripped = text.strip()
        if stripped.isdigit() and self._last_choices:
            index = int(stripped) - 1
            if 0 <= index < len(self._last_choices):
                text = self._last_choices[index]
        message = Message(text=text, user=self.user, adapter="terminal")
        future = self.runtime.submit(bot.handle(message))
        try:
            reply = future.result()
        except KeyboardInterrupt:
            future.cancel()
            raise
        self._last_choices = [choice.command for choice in reply.choices]
        if reply.confirmation is not None and not self.json_output:
            self.show(reply)
            reply = self._confirm(reply)
        elif reply.confirmation is not None:
            reply = self._confirm(reply)
        self.show(reply)
        return reply

    def repl(self, history_file: Path | None = None) -> None:
        """Read, run, print until exit or Ctrl-D; Ctrl-C abandons the current line."""
        _setup_readline(self, history_file)
        print(_banner(self), file=self.out)
        while True:
            try:
                line = self.ask("supportbot> ")
            except EOFError:
                print(file=self.out)
                break
            except KeyboardInterrupt:
                print("^C", file=self.out)
                continue
            if line.strip().lower() in EXIT_WORDS:
                break
            if not line.strip():
                continue
            try:
                self.run(line)
            except (KeyboardInterrupt, CancelledError):
                print("\nStopped.", file=self.out)


def _banner(session: TerminalSession) -> str:
    from supportbot.access.roles import may_run

    bot = session.runtime.bot
    user = session.user
    count = sum(may_run(spec, user, bot.settings) for spec in bot.registry) if bot else 0
    return (
        f"supportbot — {count} commands for you. You are {user.display}. "
        "Type /help, a command such as /merchant 0812-3456-7890, or exit."
    )


def _setup_readline(session: TerminalSession, history_file: Path | None) -> None:
    try:
        import readline
    except ImportError:  # Windows without pyreadline: the shell still works, without history
        return
    bot = session.runtime.bot
    names = sorted(f"/{spec.name}" for spec in bot.registry) if bot else []

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
    if history_file is not None:
        try:
            history_file.parent.mkdir(parents=True, exist_ok=True)
            if history_file.exists():
                readline.read_history_file(history_file)
        except OSError:
            return
        readline.set_history_length(1000)
        import atexit

        atexit.register(_save_history, readline, history_file)


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
