"""Record every command run, whatever its outcome, with personal data masked."""

from __future__ import annotations

import logging
import time
import traceback
from datetime import UTC, datetime
from typing import Any

from .._dispatch import Next, Request
from .._masking import mask_text
from .._reply import Reply
from ..storage import AuditEntry

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
        masked = getattr(value, "masked", None)
        if isinstance(masked, str):
            return masked
    return None


def error_detail(error: BaseException | None) -> str | None:
    """Type, message and traceback of what ended the run, for engineers."""
    if error is None:
        return None
    text = "".join(traceback.format_exception(error))
    return text[-MAX_ERROR:]


async def audit(request: Request, call_next: Next) -> Reply:
    """Call the chain, then write one audit record for this run."""
    reply = await call_next(request)
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
        outcome=reply.outcome.value,
        duration_ms=round(duration_ms, 3),
        error=error_detail(request.error),
        service_errors=[
            {"service": r.service, "kind": r.error.kind if r.error else "error"} for r in failures
        ],
        target=audit_target(request),
    )
    store = request.bot.store
    if store is not None:
        try:
            await store.audit.record(entry)
        except Exception:
            # The user still gets the answer; the log keeps what the trail could not.
            log.exception("could not write the audit record %s: %r", request.request_id, entry)
    log.info(
        "command=%s outcome=%s duration_ms=%.1f ref=%s",
        entry.command,
        entry.outcome,
        duration_ms,
        request.request_id,
    )
    return reply
