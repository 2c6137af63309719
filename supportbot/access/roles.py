"""Who may run what: a user's roles, a command's allowed roles, and the check of both at start.

A role's members (`[roles.<name>] members = [...]`) are plain strings, each compared with what
the adapter knows about the user:

- a Slack user id (`U0123ABCD`, `W0123ABCD`, as Slack writes it): the user's id only;
- anything with an `@` inside (`lina@example.id`): the user's email, ignoring ASCII case;
- anything else (a leading `@` is ignored): the user's id, the id without its `terminal:`
  prefix (so `lina` is the terminal user lina), a Slack user group (its handle
  `support-weekend` or its id `S0123ABCD`), all ignoring ASCII case, and the user's name for
  users that do not come from Slack.

A Slack display name never grants a role: its owner chooses it, so anyone could call themselves
`lina`. Only ASCII letters are folded, so look-alike Unicode (a Kelvin sign for `K`, full-width
letters) never matches a member written in plain letters. Everyone has `default_role`.

Where an action may run: the command's `channels=`, else `action_channels`; empty or unset:
anywhere. Only Slack messages are limited. Entries are Slack channel ids (`C0123ABCD`); a
Message carries no channel name, so a `#name` entry never matches and `check_channels` reports
it at start.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from supportbot.core.message import User
from supportbot.core.settings import Settings

from . import wording as messages

if TYPE_CHECKING:
    from supportbot.core.registry import CommandRegistry, CommandSpec

__all__ = [
    "CHANNEL_LIMITED_ADAPTERS",
    "action_channels_for",
    "allowed_roles",
    "channel_allowed",
    "check_channels",
    "check_command_roles",
    "check_roles",
    "known_roles",
    "may_run",
    "member_matches",
    "roles_of",
]

log = logging.getLogger("supportbot")

TERMINAL_PREFIX = "terminal:"
# A Slack user id as Slack writes it (U or W, capitals and digits): compared with the user id
# only, so a user group whose handle spells someone's id in lower case cannot borrow their roles.
_SLACK_USER_ID = re.compile(r"[UW](?=[A-Z]*[0-9])[A-Z0-9]{6,}")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _fold(text: str) -> str:
    """`text` trimmed, with ASCII letters in lower case and everything else exactly as it is."""
    return text.strip().translate(_ASCII_LOWER)


def _from_slack(user: User) -> bool:
    # Slack ids carry no adapter prefix; the terminal's and the tests' do ("terminal:lina").
    return ":" not in user.id


@dataclass(frozen=True)
class _Identity:
    """What members are compared with, worked out once per user."""

    ids: frozenset[str]  # as written: the id, and the id without "terminal:"
    email: str | None  # folded
    names: frozenset[str]  # folded: ids, groups, and the name unless from Slack

    @classmethod
    def of(cls, user: User) -> _Identity:
        ids = frozenset({user.id, user.id.removeprefix(TERMINAL_PREFIX)})
        names = {*ids, *user.groups}
        if not _from_slack(user):
            names.add(user.name)
        return cls(
            ids=ids,
            email=_fold(user.email) if user.email else None,
            names=frozenset(_fold(name) for name in names if _fold(name)),
        )

    def named_by(self, member: str) -> bool:
        written = member.strip()
        if _SLACK_USER_ID.fullmatch(written):
            return written in self.ids
        key = _fold(written).removeprefix("@").strip()
        if not key:
            return False
        if "@" in key:
            return key == self.email
        return key in self.names


def member_matches(member: str, user: User) -> bool:
    """Whether one configured role member names `user` (see the module docstring)."""
    return _Identity.of(user).named_by(member)


def roles_of(user: User, settings: Settings) -> frozenset[str]:
    """Every role `user` has: the default role, plus each role with a member naming them."""
    identity = _Identity.of(user)
    found = {settings.default_role}
    for name, role in settings.roles.items():
        if any(identity.named_by(member) for member in role.members):
            found.add(name)
    return frozenset(found)


def allowed_roles(spec: CommandSpec, settings: Settings) -> frozenset[str] | None:
    """The roles that may run `spec`: `command_roles` over the command's own; None: everyone."""
    configured = settings.command_roles.get(spec.name)
    if configured is not None:
        return frozenset(configured)
    return spec.roles


def may_run(spec: CommandSpec, user: User, settings: Settings) -> bool:
    """Whether `user` may run `spec`."""
    allowed = allowed_roles(spec, settings)
    return allowed is None or not allowed.isdisjoint(roles_of(user, settings))


def known_roles(settings: Settings) -> frozenset[str]:
    """The roles a command may name: the configured ones and the default role."""
    return frozenset(settings.roles) | {settings.default_role}


def _unknown(roles: Iterable[str], known: frozenset[str]) -> list[str]:
    return sorted(set(roles) - known)


def _role_problem(where: str, role: str, settings: Settings) -> str:
    return messages.role_not_configured(
        [where], role, sorted(settings.roles), settings.default_role
    )


def check_command_roles(registry: CommandRegistry, settings: Settings) -> list[str]:
    """Roles that commands declare (`roles=`, `approval=`) but the configuration lacks: one
    warning per missing role, naming every command (and where it is declared) that names it.

    Not fatal: such a command is refused to everyone (and its approvals can never be given), so
    nothing is allowed by mistake; the bot reports them at start so the config can catch up.
    """
    known = known_roles(settings)
    naming: dict[str, list[str]] = {}
    for spec in registry:
        where = f"/{spec.name} ({spec.source})" if spec.source else f"/{spec.name}"
        declared = [("roles=...", role) for role in _unknown(spec.roles or (), known)]
        if spec.approval is not None and spec.approval not in known:
            declared.append(("approval=...", spec.approval))
        for role in sorted({role for _, role in declared}):
            keys = ", ".join(key for key, named in declared if named == role)
            naming.setdefault(role, []).append(f"{where} @command({keys})")
    configured = sorted(settings.roles)
    return [
        messages.role_not_configured(places, role, configured, settings.default_role)
        for role, places in sorted(naming.items())
    ]


def check_roles(registry: CommandRegistry, settings: Settings) -> list[str]:
    """Mistakes in the configuration's `command_roles`: another name of a command, or a role
    that is not configured. Fatal at start: the config says something the bot cannot do.

    Each problem names the key and the role, so it can be fixed from the message alone.
    """
    known = known_roles(settings)
    problems: list[str] = []
    for name, roles in settings.command_roles.items():
        found = registry.get(name)
        if found is None:
            # Not fatal: the command may come from a package this replica lacks.
            log.warning(
                "%s.%s: there is no command /%s; the entry is ignored", "command_roles", name, name
            )
            continue
        if found.name != name:
            problems.append(
                f"command_roles.{name}: /{name} is another name of /{found.name}; "
                f"write command_roles.{found.name}."
            )
            continue
        for role in _unknown(roles, known):
            problems.append(_role_problem(f"command_roles.{name}", role, settings))
    return problems


# --- where actions may run ----------------------------------------------------------------

#: The only adapter whose messages say which channel they come from.
CHANNEL_LIMITED_ADAPTERS = frozenset({"slack"})


def action_channels_for(spec: CommandSpec, settings: Settings) -> tuple[str, ...]:
    """Where the action `spec` may run (empty: anywhere); () for a command that is no action."""
    if not spec.action:
        return ()
    if spec.channels is not None:
        return tuple(spec.channels)
    return tuple(settings.action_channels)


def channel_allowed(channel: str | None, places: tuple[str, ...]) -> bool:
    """Whether a message from `channel` (a Slack channel id) may run where `places` allow."""
    if not places:
        return True
    if not channel:
        return False
    wanted = channel.strip().upper()
    return any(place.strip().upper() == wanted for place in places if place.strip())


def check_channels(registry: CommandRegistry, settings: Settings) -> list[str]:
    """Channel entries that can never match (`#name`s, blanks), each naming where it is set."""
    sources = [("action_channels", tuple(settings.action_channels))]
    for spec in registry:
        if spec.channels is not None:
            sources.append((f"/{spec.name} @command(channels=...)", spec.channels))
    problems: list[str] = []
    for where, places in sources:
        for place in places:
            if not place.strip() or place.strip().startswith("#"):
                problems.append(
                    f"{where}: {place!r} is not a Slack channel id, and the bot only learns a "
                    "message's channel id. Use the id (C0123ABCD: open the channel's details, "
                    "it is at the bottom)."
                )
    return problems
