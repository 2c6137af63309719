"""/help: the list of commands, or how to use one. Generated from the commands themselves."""

from __future__ import annotations

from supportbot import Context, Outcome, Reply, command, describe_command, describe_commands


@command("help", help="List the commands, or explain one", examples=("/help", "/help merchant"))
async def help_(ctx: Context, topic: str | None = None) -> Reply:
    """Shows the commands you may run, one line each; `/help <command>` shows its usage and
    examples, or, for a command your roles do not allow, who may run it.

    topic: a command name, e.g. merchant
    """
    if topic is None:
        return describe_commands(spec for spec in ctx.commands if ctx.may_run(spec))
    spec = ctx.commands.get(topic.lstrip("/"))
    if spec is None:
        suggestions = [
            name
            for name in ctx.commands.suggest(topic.lstrip("/"))
            if (found := ctx.commands.get(name)) is not None and ctx.may_run(found)
        ]
        hint = f" Did you mean /{suggestions[0]}?" if suggestions else ""
        return Reply(
            outcome=Outcome.NOT_FOUND,
            text=f"There is no command /{topic.lstrip('/')[:40]}.{hint} Type /help for the list.",
        )
    return describe_command(spec, settings=ctx.settings, viewer_roles=ctx.roles)
