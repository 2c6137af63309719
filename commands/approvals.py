"""/approve, /reject and /approvals: the second person of an action that needs approval.

An action declared with `approval="lead"` waits, once its requester confirms, for a member of
that role (never the requester) to approve it here or with the Approve button. The approved
action then runs once, as its requester, and the audit trail names the approver.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from supportbot import Context, Outcome, Reply, Rest, Section, UsageError, command

TOKEN = re.compile(r"[A-Za-z0-9_-]{8,64}")
#: The longest reason `/reject` keeps: a sentence for the requester, not a report.
REASON_MAX = 500


def _token(raw: str) -> str:
    token = raw.strip()
    if not TOKEN.fullmatch(token):
        raise UsageError(
            f"{raw[:40]!r} is not a request id. Copy the id from the request "
            "(letters, digits, - and _), or list the open requests with /approvals."
        )
    return token


async def _decide(
    ctx: Context, decision: Callable[..., Awaitable[Reply]], request: str, **more: str | None
) -> Reply:
    # This command is audited by the chain already: the desk need not record the decision.
    return await decision(
        _token(request),
        ctx.user,
        adapter=ctx.message.adapter,
        channel=ctx.message.channel,
        record=False,
        **more,
    )


@command(
    "approve",
    help="Approve someone else's action that waits for your role",
    examples=("/approve K3J2x9Qm_aP1",),
    # The approved action has a deadline of its own; this must outlast it.
    timeout_s=300,
)
async def approve(ctx: Context, request: str) -> Reply:
    """Runs the action, once, as the person who asked for it; you are recorded as approver.

    request: the request id shown when the action was sent for approval
    """
    assert ctx.actions is not None
    return await _decide(ctx, ctx.actions.approve, request)


@command(
    "reject",
    help="Turn down an action that waits for your approval",
    examples=("/reject K3J2x9Qm_aP1 the merchant already got a refund",),
)
async def reject(ctx: Context, request: str, reason: Rest | None = None) -> Reply:
    """Nothing is done, and the request is closed; the requester is told, with your reason.

    request: the request id shown when the action was sent for approval
    reason: why, in a few words, for the person who asked
    """
    assert ctx.actions is not None
    why = str(reason).strip() if reason else None
    if why is not None and len(why) > REASON_MAX:
        raise UsageError(
            f"The reason is {len(why):,} characters; keep it under {REASON_MAX} "
            "(a sentence for the requester). Nothing was done."
        )
    return await _decide(ctx, ctx.actions.reject, request, reason=why)


@command("approvals", help="Actions waiting for someone to approve them")
async def approvals(ctx: Context) -> Reply:
    """Lists the open requests, oldest first, with their ids and who asked."""
    assert ctx.actions is not None
    waiting = await ctx.actions.waiting_for_approval()
    if not waiting:
        return Reply(text="No action is waiting for approval.")
    items = [
        f"{p.token}  /{p.command} for {p.user_name or p.user_id}, needs {p.approval_role}, "
        f"asked {p.created_at:%H:%M} UTC, open until {p.expires_at:%H:%M} UTC: {p.prompt}"
        for p in waiting
    ]
    return Reply(
        outcome=Outcome.OK,
        title=f"Waiting for approval ({len(items)})",
        sections=[Section(items=items)],
        footer="Approve with /approve <id>, turn down with /reject <id> <reason>.",
    )
