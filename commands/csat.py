"""/csat: the customer's satisfaction rating of an interaction, 1 (bad) to 5 (great).

One rating per interaction is kept. A low rating (2 or less by default) is told to the leads.
CSAT is reported as the share of 4s and 5s, next to the share of closed interactions that were
rated (/stats kpi).
"""

from __future__ import annotations

from supportbot import Context, Reply, command

EXAMPLE = "/csat I-7K3QX2 4"


@command(
    "csat",
    help="Record the customer's 1-5 rating of a closed interaction",
    examples=(EXAMPLE, "/csat I-7K3QX2 2"),
)
async def csat(ctx: Context, interaction: str, score: str) -> Reply:
    """Ask the customer at the end of the contact, then record what they said. The rating
    cannot be changed afterwards.

    interaction: the interaction's id (I-7K3QX2), from the card, /done or /timeline
    score: the customer's rating, a whole number from 1 (bad) to 5 (great)
    """
    rating = await ctx.record.rate(interaction, score)
    return Reply(text=rating.sentence)
