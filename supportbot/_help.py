"""Help generated from the registered commands: `/help` and `/help <command>`."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ._commands import CommandSpec
from ._reply import Field, Reply

__all__ = ["describe_command", "describe_commands", "param_help"]

_PARAM_LINE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.+)$")


def param_help(spec: CommandSpec) -> dict[str, str]:
    """Per-argument help from docstring lines of the form `name: what it is`."""
    names = {param.name for param in spec.params}
    found: dict[str, str] = {}
    for line in spec.description.splitlines()[1:]:
        match = _PARAM_LINE.match(line)
        if match and match.group(1) in names:
            found[match.group(1)] = match.group(2).strip()
    return found


def _body(spec: CommandSpec) -> str:
    lines = spec.description.splitlines()[1:]
    kept = [line for line in lines if not _PARAM_LINE.match(line)]
    return "\n".join(kept).strip()


def describe_command(spec: CommandSpec) -> Reply:
    """Everything a user needs to run one command."""
    reply = Reply(title=f"/{spec.name}", text=spec.help)
    how = reply.section("How to use it")
    how.fields.append(Field(label="Usage", value=spec.usage))
    for example in spec.examples or (spec.example,):
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
    if spec.action:
        reply.footer = "This command changes something: you will be asked to confirm first."
    if spec.roles is not None:
        roles = ", ".join(sorted(spec.roles))
        reply.footer = " ".join(filter(None, [reply.footer, f"For: {roles}."]))
    return reply


def describe_commands(specs: Iterable[CommandSpec]) -> Reply:
    """The list of commands, one line each."""
    reply = Reply(title="Commands", footer="Type /help <command> for its arguments and examples.")
    section = reply.section()
    for spec in specs:
        section.fields.append(Field(label=f"/{spec.name}", value=spec.help))
    if not section.fields:
        reply.text = "No commands are loaded. Check `command_folders` in config/supportbot.toml."
    return reply
