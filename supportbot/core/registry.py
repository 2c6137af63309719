"""The `@command` decorator, the spec it attaches, and the registry of loaded commands."""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from .docstrings import read_docstring
from .errors import DuplicateCommandError
from .parsing import Param, example_line, params_from_signature, usage_line

__all__ = ["CommandRegistry", "CommandSpec", "Preview", "command", "spec_of"]

SPEC_ATTRIBUTE = "__supportbot_command__"
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
Handler = Callable[..., Awaitable[Any]]
H = TypeVar("H", bound=Handler)


@dataclass(frozen=True)
class Preview:
    """What a preview returns when the question needs more than template values: `values` fill
    the `confirm=` template, and `approval` names a role that must approve this run after its
    requester confirms, over the command's own `approval` (a bulk notice to many merchants)."""

    values: dict[str, Any]
    approval: str | None = None


@dataclass(frozen=True)
class CommandSpec:
    """Everything the framework knows about one command, built once at import time."""

    name: str
    handler: Handler
    params: tuple[Param, ...]
    help: str
    description: str = ""
    roles: frozenset[str] | None = None
    action: bool = False
    confirm: str | None = None
    aliases: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    timeout_s: float | None = None
    preview: Handler | None = None
    #: The role whose member must approve each run (two-person rule); None: no approval.
    approval: str | None = None
    #: Whether `supportbot exec --yes` may confirm it without asking.
    allow_yes: bool = True
    #: At most this many runs per user, e.g. "20/hour" (see `supportbot.access.ratelimit`).
    rate_limit: str | None = None
    #: Slack channels (ids or #names) where it may run; None: `action_channels` or any.
    channels: tuple[str, ...] | None = None
    source: str = field(default="", compare=False)
    #: The docstring's paragraphs for `/help <command>`, each on one line (summary aside).
    body: str = ""
    #: Each argument's help from the docstring (`name: text` lines), by argument name.
    argument_help: tuple[tuple[str, str], ...] = ()

    @property
    def usage(self) -> str:
        """The usage line, e.g. `/merchant <phone|email|merchant id>`."""
        return usage_line(self.name, list(self.params))

    @property
    def example(self) -> str | None:
        """One example the user can copy, the first declared one or one built from the types
        (None when a plain-word argument has no declared example)."""
        return self.examples[0] if self.examples else example_line(self.name, list(self.params))


def _source_of(func: Callable[..., Any]) -> str:
    # The code object knows its file and first line (the decorator's, as inspect would say);
    # inspect.getsourcelines re-reads and tokenizes the file: a quarter of loading the plugins.
    code = getattr(inspect.unwrap(func), "__code__", None)
    if code is None:
        return getattr(func, "__module__", "?")
    return f"{code.co_filename}:{code.co_firstlineno}"


def command(
    name: str | None = None,
    *,
    help: str | None = None,
    roles: set[str] | frozenset[str] | None = None,
    action: bool = False,
    confirm: str | None = None,
    aliases: tuple[str, ...] | list[str] = (),
    examples: tuple[str, ...] | list[str] = (),
    timeout_s: float | None = None,
    preview: Handler | None = None,
    approval: str | None = None,
    allow_yes: bool = True,
    rate_limit: str | None = None,
    channels: tuple[str, ...] | list[str] | None = None,
) -> Callable[[H], H]:
    """Declare an async function as a chat command.

    The first parameter receives the `Context`; the others are the command's arguments, parsed
    and validated from their annotations before the function runs. Keyword-only parameters are
    `--options`. `help` defaults to the docstring's first line. `action=True` (implied by
    `confirm=`) marks a command that changes something: it is confirmed before it runs.
    `confirm` is a template formatted with the arguments, e.g. "Resend the receipt for {tx}?",
    and `{name_masked}` gives an argument's masked form. `preview`, an async function taking the
    same arguments as the handler, resolves what the user must see before saying yes: it returns
    more template values (a dict), or a Reply that ends the command before any confirmation
    (e.g. "no such transaction"), or a `Preview` (values, and a role that must approve this run).

    `roles` names the roles that may run it (None: everyone). `approval="lead"` makes every
    run wait, after its requester confirms, for a member of that role other than the requester
    to approve (it implies `action=True`). `allow_yes=False` makes the terminal ask even under
    `--yes`. `rate_limit="20/hour"` caps the runs per user (also "5/minute", "100/day").
    `channels` limits where in Slack it may run.

    The function is returned unchanged, with one spec object attached; it stays callable.
    """

    def decorate(func: H) -> H:
        if not inspect.iscoroutinefunction(func):
            raise TypeError(f"@command handler {func.__qualname__} must be `async def`")
        given = func.__name__.replace("_", "-").strip("-") if name is None else name
        command_name = given.lower().lstrip("/")
        if not _NAME.fullmatch(command_name):
            raise TypeError(f"command name {command_name!r}: use letters, digits, - and _")
        doc = inspect.getdoc(func) or ""
        params = tuple(params_from_signature(func))
        parts = read_docstring(doc, {p.name for p in params}, has_help=help is not None)
        spec = CommandSpec(
            name=command_name,
            handler=func,
            params=params,
            help=help or parts.summary or command_name,
            description=doc,
            body=parts.body,
            argument_help=parts.arguments,
            roles=frozenset(roles) if roles is not None else None,
            action=action or confirm is not None or preview is not None or approval is not None,
            confirm=confirm,
            aliases=tuple(a.lower().lstrip("/") for a in aliases),
            examples=tuple(examples),
            timeout_s=timeout_s,
            preview=preview,
            approval=approval,
            allow_yes=allow_yes,
            rate_limit=rate_limit,
            channels=tuple(channels) if channels is not None else None,
            source=_source_of(func),
        )
        setattr(func, SPEC_ATTRIBUTE, spec)
        return cast(H, func)

    return decorate


def spec_of(obj: object) -> CommandSpec | None:
    """The spec `@command` attached to `obj`, or None for anything else."""
    spec = getattr(obj, SPEC_ATTRIBUTE, None)
    return spec if isinstance(spec, CommandSpec) else None


class CommandRegistry:
    """The loaded commands by name and alias. Read-only to commands (`ctx.commands`)."""

    def __init__(self) -> None:
        self._by_name: dict[str, CommandSpec] = {}
        self._aliases: dict[str, str] = {}
        #: The specs by name, sorted once per change (every /help lists them).
        self._sorted: tuple[CommandSpec, ...] | None = None

    def add(self, spec: CommandSpec) -> None:
        """Register a command; a name or alias taken by another command is an error naming both."""
        for key in (spec.name, *spec.aliases):
            existing = self.get(key)
            if existing is not None and existing.handler is not spec.handler:
                raise DuplicateCommandError(
                    f"two commands are named /{key}: {existing.source} and {spec.source}. "
                    "Rename one of them."
                )
        self._by_name[spec.name] = spec
        self._sorted = None
        for alias in spec.aliases:
            self._aliases[alias] = spec.name

    def get(self, name: str) -> CommandSpec | None:
        """The command called `name` (or with that alias), or None."""
        key = name.lower()
        return self._by_name.get(key) or self._by_name.get(self._aliases.get(key, ""))

    def suggest(
        self,
        name: str,
        limit: int = 3,
        visible: Callable[[CommandSpec], bool] | None = None,
    ) -> list[str]:
        """Close command names for a typo, the likest first: `/resend` -> `resend-receipt`.

        A name the typed one starts (`resend` of `resend-receipt`) ranks above one that is only
        similar (`reset-pin`). `visible` keeps commands the reader may not see out of it, as
        `/help` does.
        """
        typed = name.lower()[:64]
        scores: dict[str, float] = {}
        for candidate in [*self._by_name, *self._aliases]:
            spec = self.get(candidate)
            if spec is None or (visible is not None and not visible(spec)):
                continue
            likeness = difflib.SequenceMatcher(None, typed, candidate).ratio()
            if typed and candidate.startswith(typed):
                likeness = max(likeness, 1.0 + len(typed) / len(candidate))
            if likeness >= 0.6:
                scores[spec.name] = max(scores.get(spec.name, 0.0), likeness)
        ranked = sorted(scores, key=lambda found: (-scores[found], found))
        return ranked[:limit]

    def __iter__(self) -> Iterator[CommandSpec]:
        if self._sorted is None:
            self._sorted = tuple(sorted(self._by_name.values(), key=lambda spec: spec.name))
        return iter(self._sorted)

    def __len__(self) -> int:
        return len(self._by_name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None
