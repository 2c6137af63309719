"""Who may run what: a user's roles, a command's allowed roles, and the check of both at start.

A role's members (`[roles.<name>] members = [...]`) say what they are:

- `slack:U0123ABCD`: a Slack user id, compared with the user's id exactly;
- `email:lina@example.id`: the user's email, ignoring ASCII case;
- `group:support-leads` or `group:S0123ABCD`: a user group (its handle or its id), ignoring
  ASCII case; a leading `@` is ignored (`group:@support-leads`);
- `login:lina`: a login name of an adapter that knows its users (the terminal's `--as lina`),
  ignoring ASCII case: the user's id without its adapter prefix (`terminal:lina`), and the
  name of users whose adapter sets it (not Slack's: anyone chooses their display name).

Entries without a kind are still read, for one release, with a warning at start naming each
(`check_role_members`): a Slack user id (`U0123ABCD`) as `slack:`, anything with an `@` inside
as `email:`, and anything else as `login:` only, never as a group: in a workspace where anyone
may create user groups, a group named `lina` must not make its members leads.

Only ASCII letters are folded, so look-alike Unicode (a Kelvin sign for `K`, full-width letters)
never matches a member written in plain letters. Everyone has `default_role`, except guests
(`User.guest`: someone the adapter cannot vouch for), who have `guest_role` only (none unset).

Where an action may run: the command's `channels=`, else `action_channels`; empty or unset:
anywhere. Only messages from adapters that know their channels are limited (the adapter says
so: `Message.channel_limited`). Entries are channel ids (`C0123ABCD`); a Message carries no
channel name, so a `#name` entry never matches and `check_channels` reports it at start.
"""

from __future__ import annotations

import functools
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
    "action_channels_for",
    "allowed_roles",
    "channel_allowed",
    "check_channels",
    "check_command_roles",
    "check_role_members",
    "check_roles",
    "known_roles",
    "member_kind",
    "may_run",
    "member_matches",
    "roles_of",
]

log = logging.getLogger("supportbot")

TERMINAL_PREFIX = "terminal:"
#: The kinds of member, as written before the colon.
MEMBER_KINDS = ("slack", "email", "group", "login")
# A Slack user id as Slack writes it (U or W, capitals and digits): compared with the user id
# only, so a user group whose handle spells someone's id in lower case cannot borrow their roles.
_SLACK_USER_ID = re.compile(r"[UW](?=[A-Z]*[0-9])[A-Z0-9]{6,}")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _fold(text: str) -> str:
    """`text` trimmed, with ASCII letters in lower case and everything else exactly as it is."""
    return text.strip().translate(_ASCII_LOWER)


def _names_itself(user: User) -> bool:
    # An id without an adapter prefix comes from a chat whose users choose their own names
    # (Slack); the terminal's and the tests' ids carry one ("terminal:lina") and their names
    # are set by whoever runs them.
    return ":" not in user.id


def member_kind(member: str) -> tuple[str, str, bool]:
    """(kind, value, written with its kind) of one configured member."""
    written = member.strip()
    kind, colon, value = written.partition(":")
    if colon and _fold(kind) in MEMBER_KINDS:
        return _fold(kind), value.strip(), True
    if _SLACK_USER_ID.fullmatch(written):
        return "slack", written, False
    if "@" in written.lstrip("@"):
        return "email", written, False
    return "login", written, False


@dataclass(frozen=True)
class _Identity:
    """What members are compared with, worked out once per user."""

    id: str
    email: str | None  # folded
    groups: frozenset[str]  # folded handles and ids
    logins: frozenset[str]  # folded

    @classmethod
    def of(cls, user: User) -> _Identity:
        logins: set[str] = set()
        if not _names_itself(user):
            logins = {user.id, user.id.removeprefix(TERMINAL_PREFIX), user.name}
        return cls(
            id=user.id,
            email=_fold(user.email) if user.email else None,
            groups=frozenset(_fold(group) for group in user.groups if _fold(group)),
            logins=frozenset(_fold(name) for name in logins if _fold(name)),
        )

    def named_by(self, member: str) -> bool:
        return self.matches(*_member_key(member))

    def matches(self, kind: str, key: str) -> bool:
        """Whether a member of `kind` whose key is `key` (`_member_key`) names this user."""
        if not key:
            return False
        if kind == "slack":
            return key == self.id
        if kind == "email":
            return "@" in key and key == self.email
        if kind == "group":
            return key in self.groups
        return "@" not in key and key in self.logins


def _member_key(member: str) -> tuple[str, str]:
    """(kind, the key it is compared by) of one configured member: worked out once per
    settings, not once per message."""
    kind, value, _ = member_kind(member)
    if kind == "slack":
        return kind, value
    key = _fold(value)
    if kind == "email":
        return kind, key
    return kind, key.removeprefix("@").strip()


@dataclass(frozen=True, eq=False)
class _RoleTable:
    """The roles of one `Settings`, their members parsed (compared by identity)."""

    default_role: str
    guest_role: str | None
    members: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]

    @classmethod
    def of(cls, settings: Settings) -> _RoleTable:
        return cls(
            settings.default_role,
            settings.guest_role,
            tuple(
                (name, tuple(_member_key(member) for member in role.members))
                for name, role in settings.roles.items()
            ),
        )


#: id(settings) -> (settings, its table): the settings kept so that a reused id cannot match.
_TABLES: dict[int, tuple[Settings, _RoleTable]] = {}


def _table(settings: Settings) -> _RoleTable:
    found = _TABLES.get(id(settings))
    if found is not None and found[0] is settings:
        return found[1]
    if len(_TABLES) >= 64:  # tests make many settings; a running bot has one
        _TABLES.clear()
    table = _RoleTable.of(settings)
    _TABLES[id(settings)] = (settings, table)
    return table


@functools.lru_cache(maxsize=4096)
def _roles(user: User, table: _RoleTable) -> frozenset[str]:
    if user.guest:
        return frozenset({table.guest_role}) if table.guest_role else frozenset()
    identity = _Identity.of(user)
    found = {table.default_role}
    for name, members in table.members:
        if any(identity.matches(kind, key) for kind, key in members):
            found.add(name)
    return frozenset(found)


def member_matches(member: str, user: User) -> bool:
    """Whether one configured role member names `user` (see the module docstring)."""
    return _Identity.of(user).named_by(member)


def roles_of(user: User, settings: Settings) -> frozenset[str]:
    """Every role `user` has: the default role, plus each role with a member naming them.

    A guest has `guest_role` only (no role at all without one): members never name a guest.
    """
    return _roles(user, _table(settings))


def check_role_members(settings: Settings) -> list[str]:
    """One warning per member written without its kind, saying how it is read and how to
    write it (not fatal: such entries are still read for one release)."""
    warnings: list[str] = []
    for name, role in sorted(settings.roles.items()):
        for member in role.members:
            kind, value, explicit = member_kind(member)
            if explicit or not value.strip():
                continue
            shown = value.lstrip("@") if kind == "login" else value
            extra = (
                f" (a user group is written group:{value.lstrip('@')})" if kind == "login" else ""
            )
            warnings.append(
                f"roles.{name}.members: {member!r} has no kind; it is read as {kind}:{shown}"
                f"{extra}. Write {kind}:{shown} to keep this meaning; entries without a kind "
                "stop being read in the next release."
            )
    return warnings


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
