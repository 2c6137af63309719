"""The end of the chain: run the handler under its deadline and shape what it returns."""

from __future__ import annotations

import asyncio
from typing import Any

from supportbot.core.reply import Reply, ServiceWarning

from .chain import Request
from .context import Context

__all__ = ["add_service_warnings", "as_reply", "build_context", "run_handler"]


def as_reply(result: Any) -> Reply:
    if isinstance(result, Reply):
        return result
    if isinstance(result, str):
        return Reply(text=result)
    raise TypeError(f"a command must return a Reply or a str, not {type(result).__name__}")


def add_service_warnings(reply: Reply, context: Context) -> None:
    """Name every service that failed, once, unless the handler already did."""
    named = {warning.service for warning in reply.warnings}
    for result in context.service_failures:
        if result.service in named or result.error is None:
            continue
        named.add(result.service)
        reply.warnings.append(
            ServiceWarning(
                service=result.service, kind=result.error.kind, text=result.error.user_message
            )
        )


def build_context(request: Request) -> Context:
    """The context of one run; its deadline starts now."""
    spec = request.spec
    assert spec is not None, "resolve finds the command first"
    bot = request.bot
    timeout = bot.timeout_for(spec)
    return Context(
        message=request.message,
        spec=spec,
        settings=bot.settings,
        services=bot.services,
        store=bot.store,
        commands=bot.registry,
        request_id=request.request_id,
        deadline=asyncio.get_running_loop().time() + timeout,
        timeout_s=timeout,
        idempotency_key=request.idempotency_key or request.confirmed_token,
        actions=bot.actions,
        roles=request.roles,
    )


async def run_handler(request: Request) -> Reply:
    """Run the command under its deadline; TimeoutError when it passes (see recover)."""
    spec, context = request.spec, request.context
    assert spec is not None and context is not None, "resolve builds the context"
    async with asyncio.timeout_at(context.deadline):
        reply = as_reply(await spec.handler(context, **request.arguments))
    add_service_warnings(reply, context)
    return reply
