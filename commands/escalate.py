"""/escalate: hand a failed command to engineering, with everything they need to look at it."""

from __future__ import annotations

import re

from supportbot import Context, Reply, UsageError, command

REFERENCE = re.compile(r"[0-9a-f]{12}")


@command(
    "escalate",
    help="Send a failed command's details to engineering",
    examples=("/escalate 4f2a9c1b7e10",),
)
async def escalate(ctx: Context, reference: str) -> Reply:
    """Posts the command (personal data masked), who ran it, where, its error and the services'
    answers to the engineering channel, and records the escalation.

    reference: the error reference shown under the failed answer
    """
    ref = reference.strip().lower()
    if not REFERENCE.fullmatch(ref):
        raise UsageError(
            f"{reference[:40]!r} is not an error reference: it has 12 letters and digits, "
            "like 4f2a9c1b7e10, and is shown under the failed answer."
        )
    assert ctx.actions is not None
    return await ctx.actions.escalate(ref, ctx.user)
