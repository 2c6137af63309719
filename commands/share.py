"""/share-today: the daily share now (one closed interaction from yesterday, masked).

It normally goes out by itself at `[knowledge] share_at`; a lead runs it by hand when the
schedule did not (no Slack replica up) or to see what was shared. Once a day either way.
"""

from __future__ import annotations

from supportbot import Context, Outcome, Reply, command


@command(
    "share-today",
    help="Share one of yesterday's closed interactions with the company now (leads)",
    roles={"lead"},
    examples=("/share-today",),
)
async def share_today(ctx: Context) -> Reply:
    """Picks one interaction closed yesterday that has a note, is not tagged private and whose
    merchant was not shared lately; masks personal data and posts it to the share channel.
    Once a day: a second run shows the day's share."""
    done = await ctx.knowledge.share_today()
    if done.share is None:
        return Reply(outcome=Outcome.NOT_FOUND, text=ctx.knowledge.share_nothing())
    reply = ctx.knowledge.share_message(done.share)
    reply.text = f"{ctx.knowledge.share_summary(done)}\n\n{reply.text}"
    return reply
