"""/timeline: everything that happened for a merchant, newest first, a page at a time."""

from __future__ import annotations

from supportbot import Choice, Context, MerchantId, Reply, Section, command

PAGE = 20


@command(
    "timeline",
    help="A merchant's interactions, notes, tags, numbers and lookups, newest first",
    examples=("/timeline M-10001", "/timeline M-10001 --tag settlement/delayed --since 7d"),
)
async def timeline(
    ctx: Context,
    merchant: MerchantId,
    *,
    tag: str | None = None,
    since: str | None = None,
    older: str | None = None,
) -> Reply:
    """Each line says what, who and when; `older` pages back.

    merchant: the merchant id, e.g. M-10001
    tag: only this tag's changes and the interactions that carry it
    since: only the last 7d, 24h or 30d
    older: where the previous page ended (the "older" button fills it in)
    """
    record = ctx.record
    wanted = (await record.taxonomy()).check(tag) if tag else None
    page = await record.timeline(
        str(merchant),
        before=record.cursor(older) if older else None,
        since=record.since_text(since) if since else None,
        tag=wanted,
        limit=PAGE,
    )
    if not page.events:
        more = " in that window" if since or tag or older else ""
        return Reply(text=f"Nothing on {merchant}'s timeline{more} yet.")
    lines = [record.timeline_line(event) for event in page.events]
    reply = Reply(title=f"Timeline of {merchant}", sections=[Section(items=lines)])
    if page.older is not None:
        options = "".join(
            f" --{name} {value}" for name, value in (("tag", wanted), ("since", since)) if value
        )
        next_page = f"/timeline {merchant}{options} --older {page.older.token()}"
        reply.choices.append(Choice(label="Older", command=next_page))
    else:
        reply.footer = "The beginning of the record."
    return reply
