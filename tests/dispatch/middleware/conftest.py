"""Run one link alone: requests at each stage, a stub `next`, settings for a test.

Each link of the chain (`supportbot.dispatch.middleware`) is built here with its own
collaborators, handed a request of the stage it works on and a `StubNext` in place of the rest
of the chain, so a test sees exactly what that link does.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from supportbot import Outcome, Reply, Settings, User, load_settings
from supportbot.actions.desk import ActionDesk
from supportbot.actions.runs import ConfirmedRun
from supportbot.core.message import Message
from supportbot.core.parsing import ConvertContext, bind, parse_command
from supportbot.core.registry import CommandRegistry, CommandSpec, spec_of
from supportbot.dispatch.chain import Request, ResolvedRequest, ValidRequest
from supportbot.dispatch.handler import build_context
from supportbot.services.clients import Services
from supportbot.storage import Store

AGENT = User(id="test:agent", name="agent")


def settings_for(tmp_path: Path, **values: Any) -> Settings:
    """Settings for a link under test: no command folders, a database in `tmp_path`."""
    database = f"sqlite:///{tmp_path / 'supportbot.db'}"
    values.setdefault("command_folders", [])
    return load_settings(None, data_dir=str(tmp_path), database_url=database, **values)


def spec(function: Callable[..., Any]) -> CommandSpec:
    """The spec `@command` attached to `function`."""
    found = spec_of(function)
    assert found is not None, function
    return found


def registry(*functions: Callable[..., Any]) -> CommandRegistry:
    """A registry holding the commands `functions` declare."""
    commands = CommandRegistry()
    for function in functions:
        commands.add(spec(function))
    return commands


def request(
    text: str,
    *,
    user: User = AGENT,
    roles: frozenset[str] = frozenset({"agent"}),
    adapter: str = "test",
    channel: str | None = None,
    confirmed: ConfirmedRun | None = None,
) -> Request:
    """A request as it enters the chain."""
    message = Message(text=text, user=user, adapter=adapter, channel=channel)
    return Request(message=message, roles=roles, confirmed=confirmed)


def resolved(command: CommandSpec, text: str, **options: Any) -> ResolvedRequest:
    """A request whose command `resolve` found (the notes say so too)."""
    entered = request(text, **options)
    parsed = parse_command(text)
    entered.notes.typed_name, entered.notes.raw_arguments = parsed.name, parsed.raw_args
    entered.notes.spec = command
    return entered.resolved(command, parsed)


def valid(command: CommandSpec, text: str, settings: Settings, **options: Any) -> ValidRequest:
    """A request whose arguments `validate` bound (with the core's own binder) and whose
    context it built, its deadline `command_timeout_s` (or the command's own) from now."""
    found = resolved(command, text, **options)
    arguments = bind(command.name, list(command.params), found.parsed, ConvertContext())
    found.notes.arguments = arguments
    context = build_context(
        found,
        settings=settings,
        services=Services({}),
        store=None,
        commands=CommandRegistry(),
        actions=None,
    )
    return found.validated(arguments, context)


def desk_on(store: Store, *, roles: frozenset[str] = frozenset({"agent"})) -> ActionDesk:
    """An action desk on `store` that never runs anything itself (a link test is the run)."""

    async def must_not_run(run: ConfirmedRun) -> Reply:
        raise AssertionError("the link under test must not start another run")

    return ActionDesk(
        store=store, run_confirmed=must_not_run, roles_of=lambda user: roles, confirm_ttl_s=300
    )


class StubNext:
    """The rest of the chain, stubbed: records what it was handed, then answers `reply` (or
    raises `error`, or runs `effect` first)."""

    def __init__(
        self,
        reply: Reply | None = None,
        *,
        error: BaseException | None = None,
        effect: Callable[[Any], None] | None = None,
    ) -> None:
        self.reply = reply or Reply(text="ran", outcome=Outcome.OK)
        self.error = error
        self.effect = effect
        self.calls: list[Any] = []

    async def __call__(self, request: Any) -> Reply:
        self.calls.append(request)
        if self.effect is not None:
            self.effect(request)
        if self.error is not None:
            raise self.error
        return self.reply
