"""The end of the chain: run the handler under its deadline and shape what it returns."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from supportbot.core.reply import Reply, ServiceWarning

from .chain import ResolvedRequest, ValidRequest
from .context import Context

if TYPE_CHECKING:
    from supportbot.actions.desk import ActionDesk
    from supportbot.core.outlets import LeadsOutlet
    from supportbot.core.posting import ChannelPoster
    from supportbot.core.progress import ProgressOutlet
    from supportbot.core.registry import CommandRegistry, CommandSpec
    from supportbot.core.settings import Settings
    from supportbot.services.clients import Services
    from supportbot.storage import Store

__all__ = ["add_service_warnings", "as_reply", "build_context", "run_handler", "timeout_of"]


def as_reply(result: Any) -> Reply:
    """What a handler (or a preview) returned, as a Reply; a TypeError for anything else."""
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


def timeout_of(spec: CommandSpec | None, default_s: float) -> float:
    """The deadline of one run of `spec`, in seconds: its own, else `command_timeout_s`."""
    if spec is not None and spec.timeout_s is not None:
        return spec.timeout_s
    return default_s


def build_context(
    request: ResolvedRequest,
    *,
    settings: Settings,
    services: Services,
    store: Store | None,
    commands: CommandRegistry,
    actions: ActionDesk | None,
    progress: ProgressOutlet | None = None,
    poster: ChannelPoster | None = None,
    leads: LeadsOutlet | None = None,
) -> Context:
    """The context of one run of `request`; its deadline starts now. It writes what the
    command learns for the audit record into the run's notes."""
    timeout = timeout_of(request.spec, settings.command_timeout_s)
    confirmed = request.confirmed
    return Context(
        message=request.message,
        spec=request.spec,
        settings=settings,
        services=services,
        store=store,
        commands=commands,
        request_id=request.request_id,
        deadline=asyncio.get_running_loop().time() + timeout,
        timeout_s=timeout,
        idempotency_key=confirmed.idempotency_key if confirmed is not None else None,
        actions=actions,
        roles=request.roles,
        notes=request.notes,
        progress_outlet=progress,
        poster=poster,
        leads_outlet=leads,
    )


async def run_handler(request: ValidRequest) -> Reply:
    """Run the command under its deadline; TimeoutError when it passes (see recover)."""
    context = request.context
    async with asyncio.timeout_at(context.deadline):
        reply = as_reply(await request.spec.handler(context, **request.arguments))
    add_service_warnings(reply, context)
    return reply
