"""/audit: the recent actions on a merchant or a transaction, for support leads."""

from __future__ import annotations

from supportbot import (
    Context,
    MerchantId,
    Outcome,
    Reply,
    Section,
    TransactionId,
    UsageError,
    command,
)

#: How many of a merchant's latest transactions count as "on that merchant".
MERCHANT_TRANSACTIONS = 50
SHOWN = 20
STATUS_WORDS = {
    "done": "done",
    "failed": "FAILED",
    "running": "running",
    "unknown": "OUTCOME UNKNOWN",
}


def _target(raw: str) -> MerchantId | TransactionId:
    for kind in (TransactionId, MerchantId):
        try:
            return kind.parse(raw)
        except ValueError:
            continue
    raise UsageError(
        f"{raw[:40]!r} is neither a merchant id (M-10001) nor a transaction id (TX-1042).",
        example="/audit M-10001",
    )


@command(
    "audit",
    help="Recent actions on a merchant or a transaction, who ran them and how they ended",
    roles={"lead"},
    examples=("/audit M-10001", "/audit TX-1042"),
)
async def audit(ctx: Context, about: str) -> Reply:
    """Shows the latest actions (resends, PIN resets, refunds, ...) with who asked, who approved,
    and the outcome, including actions whose outcome is unknown because the bot stopped.

    about: a merchant id (M-10001: its actions and those on its latest transactions) or a
        transaction id (TX-1042)
    """
    target = _target(about)
    targets = [str(target)]
    warnings_from = None
    if isinstance(target, MerchantId):
        found = await ctx.call(
            ctx.services.transactions.get(
                f"/merchants/{target}/transactions", params={"limit": MERCHANT_TRANSACTIONS}
            )
        )
        if found.ok:
            targets += [str(tx.get("id")) for tx in found.data.get("transactions", [])]
        elif not found.not_found:
            warnings_from = "transactions"
    if ctx.store is None:
        return Reply(outcome=Outcome.ERROR, text="The audit trail needs the bot's database.")
    runs = await ctx.store.actions.runs(targets=targets, limit=SHOWN)
    if not runs:
        return Reply(
            outcome=Outcome.NOT_FOUND,
            text=f"No actions on {target} yet.",
            footer=f"Some of {target}'s transactions were not checked: {warnings_from} "
            "did not answer."
            if warnings_from
            else None,
        )
    items = []
    for run in runs:
        approved = f", approved by {run.approved_by}" if run.approved_by else ""
        attempts = f", {run.attempts} attempts" if run.attempts > 1 else ""
        items.append(
            f"{run.started_at:%Y-%m-%d %H:%M} UTC  /{run.command} {run.arguments}  "
            f"{STATUS_WORDS.get(run.status, run.status)} — by {run.user_name or run.user_id}"
            f"{approved}{attempts} (ref {run.request_id})"
        )
    return Reply(
        title=f"Actions on {target}",
        sections=[Section(items=items)],
        footer="Newest first. OUTCOME UNKNOWN: the bot stopped while it ran; running the same "
        "command again retries it safely (same request id).",
    )
