"""Record every command run, whatever its outcome, with personal data masked."""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from datetime import UTC, datetime
from typing import Any

from supportbot.core.argtypes import MerchantId, TransactionId
from supportbot.core.errors import SupportbotError
from supportbot.core.masking import mask_text
from supportbot.core.reply import Outcome, Reply
from supportbot.dispatch.chain import Next, Request
from supportbot.storage import AuditEntry

log = logging.getLogger("supportbot.audit")

MAX_ARGUMENTS = 2000
MAX_ERROR = 8000


def masked_value(value: Any, region: str) -> str:
    """How one argument appears in the audit trail: its masked form, never the raw value."""
    masked = getattr(value, "masked", None)
    if isinstance(masked, str):
        return masked
    return mask_text(str(value), region)


def masked_arguments(request: Request) -> str:
    """All arguments, masked: bound values when validation passed, else the raw text masked."""
    region = request.bot.settings.phone_region
    if request.arguments:
        text = " ".join(
            f"{name}={masked_value(value, region)}"
            for name, value in request.arguments.items()
            if value is not None and value is not False
        )
    else:
        text = mask_text(request.raw_arguments, region)
    return text[:MAX_ARGUMENTS]


def audit_target(request: Request) -> str | None:
    """The customer the command was about: what the handler said, or its first reference."""
    if request.context is not None and request.context.audit_target:
        return request.context.audit_target
    for value in request.arguments.values():
        if isinstance(value, MerchantId | TransactionId):
            return str(value)  # ids are not personal data
        masked = getattr(value, "masked", None)
        if isinstance(masked, str):
            return masked
    return None


def error_detail(error: BaseException | None, region: str = "ID") -> str | None:
    """What ended the run, for engineers, with phone numbers and emails masked (an exception's
    message may quote what the user typed): the type and message of a deliberate error (a usage
    error, a refusal: its traceback says nothing), the whole traceback of anything else."""
    if error is None:
        return None
    if isinstance(error, SupportbotError):
        text = f"{type(error).__name__}: {error}"
    else:
        text = "".join(traceback.format_exception(error))
    return mask_text(text[-MAX_ERROR:], region)


async def audit(request: Request, call_next: Next) -> Reply:
    """Call the chain, then write one audit record for this run.

    A run abandoned on the way (Ctrl-C in the terminal, a shutdown) is recorded as cancelled
    before the cancellation goes on.
    """
    try:
        reply = await call_next(request)
    except asyncio.CancelledError:
        await _record(request, Outcome.CANCELLED.value)
        raise
    await _record(request, reply.outcome.value)
    return reply


async def _record(request: Request, outcome: str) -> None:
    duration_ms = (time.perf_counter() - request.started) * 1000
    failures = request.context.service_failures if request.context else []
    entry = AuditEntry(
        request_id=request.request_id,
        at=datetime.now(UTC),
        user_id=request.message.user.id,
        user_name=request.message.user.display,
        adapter=request.message.adapter,
        channel=request.message.channel,
        command=request.spec.name if request.spec else (request.typed_name or None),
        arguments=masked_arguments(request),
        outcome=outcome,
        duration_ms=round(duration_ms, 3),
        error=error_detail(request.error, request.bot.settings.phone_region),
        service_errors=[
            {"service": r.service, "kind": r.error.kind if r.error else "error"} for r in failures
        ],
        target=audit_target(request),
    )
    store = request.bot.store
    if store is not None:
        try:
            await store.audit.record(entry)
        except (Exception, asyncio.CancelledError):
            # The user still gets the answer; the log keeps what the trail could not.
            log.exception("could not write the audit record %s: %r", request.request_id, entry)
    log.info(
        "command=%s outcome=%s duration_ms=%.1f ref=%s",
        entry.command,
        entry.outcome,
        duration_ms,
        request.request_id,
    )
