"""A click group whose subcommands are imported by name, when they run.

`supportbot --help` lists every subcommand from its `CommandEntry` (name and one-line help) and
imports none of them, so it does not pay for pydantic, SQLAlchemy, aiohttp or Slack. Running
`supportbot audit` (or `supportbot audit --help`) imports the audit command and what it needs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import click

from supportbot.core.console import CommandEntry

__all__ = ["LazyGroup"]


class LazyGroup(click.Group):
    """A `click.Group` that also holds `CommandEntry`s: each is listed like a command and
    imported on first use (then kept, like a command added with `add_command`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries: dict[str, CommandEntry] = {}

    def add_entries(self, entries: Iterable[CommandEntry]) -> None:
        """List these subcommands; each is imported when it is used."""
        for entry in entries:
            if entry.name in self.entries or entry.name in self.commands:
                raise ValueError(f"two subcommands are named {entry.name!r}")
            self.entries[entry.name] = entry

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.entries})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = self.commands.get(cmd_name)
        if command is None and cmd_name in self.entries:
            command = self.entries[cmd_name].load()
            self.commands[cmd_name] = command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The group's list of subcommands: an entry not imported yet shows its own help."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows: list[tuple[str, str]] = []
        for name in names:
            command = self.commands.get(name)
            if command is None:
                rows.append((name, self.entries[name].short_help(limit)))
            elif not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)
