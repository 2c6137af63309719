"""Help generated from the registered commands: `/help` and `/help <command>`."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from supportbot.access import wording as messages
from supportbot.access.ratelimit import RateLimit, effective_limit, parse_rate_limit
from supportbot.access.roles import action_channels_for, allowed_roles
from supportbot.core.registry import CommandSpec
from supportbot.core.reply import Field, Reply
from supportbot.core.settings import Settings

__all__ = [
    "describe_access",
    "describe_command",
    "describe_commands",
    "describe_not_allowed",
    "param_help",
]


def param_help(spec: CommandSpec) -> dict[str, str]:
    """Per-argument help from docstring lines of the form `name: what it is` (and the indented
    lines continuing them), read once by `@command`."""
    return dict(spec.argument_help)


def _body(spec: CommandSpec) -> str:
    return spec.body


def _role_list(roles: Iterable[str], settings: Settings | None) -> str:
    described = []
    for name in sorted(roles):
        role = settings.roles.get(name) if settings is not None else None
        described.append(f"{name} ({role.description})" if role and role.description else name)
    return ", ".join(described)


def _rate_limit(spec: CommandSpec, settings: Settings | None) -> RateLimit | None:
    try:
        if settings is not None:
            return effective_limit(spec, settings)
        return parse_rate_limit(spec.rate_limit) if spec.rate_limit else None
    except ValueError:
        return None  # check_rate_limits reports it at start; help still answers


def describe_access(spec: CommandSpec, settings: Settings | None = None) -> list[Field]:
    """Who may run `spec` and under which rules: roles, approval, channels, rate limit.

    With `settings`, what is in force (the configuration's `command_roles`, `rate_limits` and
    `action_channels` over the command's own) and the roles' descriptions; else the decorator's.
    """
    fields: list[Field] = []
    roles = allowed_roles(spec, settings) if settings is not None else spec.roles
    if roles is not None:
        fields.append(Field(label="Who", value=_role_list(roles, settings) or "no one"))
    if spec.approval is not None:
        fields.append(Field(label="Approval", value=messages.help_approval(spec.approval)))
    places = action_channels_for(spec, settings) if settings is not None else spec.channels
    if spec.action and places:
        fields.append(Field(label="Where", value=messages.help_channels(list(places))))
    limit = _rate_limit(spec, settings)
    if limit is not None:
        text = messages.help_rate_limit(limit.runs, limit.window_text)
        fields.append(Field(label="Limit", value=text))
    return fields


def describe_not_allowed(spec: CommandSpec, settings: Settings) -> Reply:
    """`/help <command>` for someone who may not run it: who may, and how to get access."""
    roles = sorted(allowed_roles(spec, settings) or ())
    reply = Reply(
        title=f"/{spec.name}",
        text=spec.help,
        footer=messages.help_not_allowed(spec.name, roles, settings.access_help),
    )
    access = describe_access(spec, settings)
    if access:
        reply.section("Who can run it").fields.extend(access)
    return reply


def describe_command(
    spec: CommandSpec,
    *,
    settings: Settings | None = None,
    viewer_roles: frozenset[str] | None = None,
) -> Reply:
    """Everything a user needs to run one command.

    With `settings` it shows the access rules in force; with `viewer_roles` too (the reader's,
    `ctx.roles`), a reader those rules do not allow gets who may run it instead of the usage.
    """
    if settings is not None and viewer_roles is not None:
        allowed = allowed_roles(spec, settings)
        if allowed is not None and allowed.isdisjoint(viewer_roles):
            return describe_not_allowed(spec, settings)
    reply = Reply(title=f"/{spec.name}", text=spec.help)
    how = reply.section("How to use it")
    how.fields.append(Field(label="Usage", value=spec.usage))
    for example in spec.examples or ((spec.example,) if spec.example else ()):
        how.fields.append(Field(label="Example", value=example))
    if spec.aliases:
        how.fields.append(Field(label="Also", value=", ".join(f"/{a}" for a in spec.aliases)))
    helps = param_help(spec)
    if spec.params:
        arguments = reply.section("Arguments")
        for param in spec.params:
            label = f"--{param.name}" if param.kind in ("option", "flag") else param.name
            text = helps.get(param.name) or param.help or param.argtype.describe
            if not param.required and param.kind != "flag":
                text += (
                    f" (optional{'' if param.default is None else f', default {param.default}'})"
                )
            arguments.fields.append(Field(label=label, value=text))
    body = _body(spec)
    if body:
        reply.section().text = body
    access = describe_access(spec, settings)
    if access:
        reply.section("Who can run it").fields.extend(access)
    if spec.action:
        reply.footer = "This command changes something: you will be asked to confirm first."
    return reply


@functools.lru_cache(maxsize=1024)
def _list_line(name: str, text: str) -> Field:
    """One line of the list, built once per command (fields are frozen, so it is shared)."""
    return Field(label=f"/{name}", value=text)


def describe_commands(specs: Iterable[CommandSpec]) -> Reply:
    """The list of commands, one line each."""
    reply = Reply(title="Commands", footer="Type /help <command> for its arguments and examples.")
    section = reply.section()
    section.fields.extend(_list_line(spec.name, spec.help) for spec in specs)
    if not section.fields:
        reply.text = "No commands are loaded. Check `command_folders` in config/supportbot.toml."
    return reply
