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
from supportbot.dispatch.chain import Link, Next, Request
from supportbot.dispatch.context import answer_reserve
from supportbot.dispatch.notes import RunNotes
from supportbot.storage import AuditEntry, AuditLog, database_deadline

__all__ = ["audit_link", "audit_target", "error_detail", "masked_arguments", "masked_value"]

log = logging.getLogger("supportbot.audit")

MAX_ARGUMENTS = 2000
MAX_ERROR = 8000


def masked_value(value: Any, region: str) -> str:
    """How one argument appears in the audit trail: its masked form, never the raw value."""
    masked = getattr(value, "masked", None)
    if isinstance(masked, str):
        return masked
    return mask_text(str(value), region)


def masked_arguments(notes: RunNotes, region: str) -> str:
    """All arguments, masked: bound values when validation passed, else the raw text masked."""
    if notes.arguments:
        text = " ".join(
            f"{name}={masked_value(value, region)}"
            for name, value in notes.arguments.items()
            if value is not None and value is not False
        )
    else:
        text = mask_text(notes.raw_arguments, region)
    return text[:MAX_ARGUMENTS]


def audit_target(notes: RunNotes) -> str | None:
    """The customer the command was about: what the handler said, or its first reference."""
    if notes.audit_target:
        return notes.audit_target
    for value in notes.arguments.values():
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


def audit_link(
    audit_log: AuditLog | None, region: str, *, command_timeout_s: float | None = None
) -> Link[Request]:
    """The link that writes every run to `audit_log` (None: a bot without a database, only the
    log line), masking phone numbers as `region` writes them. A run that ends before its
    context is built (an unknown command, a usage error, a refusal) has no database deadline of
    its own: its record keeps to `command_timeout_s` from the run's start (None: the write
    path's own bound)."""

    async def audit(request: Request, call_next: Next[Request]) -> Reply:
        """Call the chain, then write one audit record for this run.

        A run abandoned on the way (Ctrl-C in the terminal, a shutdown) is recorded as
        cancelled before the cancellation goes on. The record waits for the database no longer
        than the run's deadline: past it, the row goes to the spool and the answer goes out.
        """
        fallback: float | None = None
        if command_timeout_s is not None:
            fallback = asyncio.get_running_loop().time() + command_timeout_s
            fallback -= answer_reserve(command_timeout_s)
        try:
            reply = await call_next(request)
        except asyncio.CancelledError:
            entry = audit_entry(request, Outcome.CANCELLED.value, region)
            with database_deadline(request.notes.database_deadline or fallback):
                await _record(audit_log, entry)
            raise
        with database_deadline(request.notes.database_deadline or fallback):
            await _record(audit_log, audit_entry(request, reply.outcome.value, region))
        return reply

    return audit


def audit_entry(request: Request, outcome: str, region: str) -> AuditEntry:
    """The audit record of `request`, ended with `outcome`, from what its notes hold."""
    notes = request.notes
    return AuditEntry(
        request_id=request.request_id,
        at=datetime.now(UTC),
        user_id=request.message.user.id,
        user_name=request.message.user.display,
        adapter=request.message.adapter,
        channel=request.message.channel,
        command=notes.command_name,
        arguments=masked_arguments(notes, region),
        outcome=outcome,
        duration_ms=round((time.perf_counter() - request.started) * 1000, 3),
        error=error_detail(notes.error, region),
        service_errors=[
            {"service": r.service, "kind": r.error.kind if r.error else "error"}
            for r in notes.service_failures
        ],
        target=audit_target(notes),
    )


async def _record(audit_log: AuditLog | None, entry: AuditEntry) -> None:
    if audit_log is not None:
        try:
            await audit_log.record(entry)
        except (Exception, asyncio.CancelledError):
            # The user still gets the answer; the log keeps what the trail could not.
            log.exception("could not write the audit record %s: %r", entry.request_id, entry)
    log.info(
        "command=%s outcome=%s duration_ms=%.1f ref=%s",
        entry.command,
        entry.outcome,
        entry.duration_ms,
        entry.request_id,
    )
