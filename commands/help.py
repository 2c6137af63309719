"""/help: the list of commands, or how to use one. Generated from the commands themselves."""

from __future__ import annotations

from supportbot import Context, Outcome, Reply, command, describe_command, describe_commands


@command("help", help="List the commands, or explain one", examples=("/help", "/help merchant"))
async def help_(ctx: Context, topic: str | None = None) -> Reply:
    """Shows every command with one line each; `/help <command>` shows its usage and examples.

    topic: a command name, e.g. merchant
    """
    if topic is None:
        return describe_commands(ctx.commands)
    spec = ctx.commands.get(topic.lstrip("/"))
    if spec is None:
        suggestions = ctx.commands.suggest(topic.lstrip("/"))
        hint = f" Did you mean /{suggestions[0]}?" if suggestions else ""
        return Reply(
            outcome=Outcome.NOT_FOUND,
            text=f"There is no command /{topic.lstrip('/')[:40]}.{hint} Type /help for the list.",
        )
    return describe_command(spec)
