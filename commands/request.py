"""/request and /requests: feature requests merchants asked for, closed with the customer.

/request M-10001 export transactions to Excel #reports/export   record an ask (R-n)
/request 0812-3456-7890 ... --new | --to R-4                    a new one / this one, no matching
/requests [#tag]                                                the open ones, most merchants first
/request show R-4                                               who asked, in their words
/request shipped R-4 [note]                                     product shipped it (leads)
/request notify R-4 [--snippet key]                             tell who asked, once each (leads)
"""

from __future__ import annotations

from typing import Any

from supportbot import (
    Choice,
    Context,
    Field,
    MerchantRef,
    Outcome,
    Reply,
    Rest,
    UsageError,
    command,
    format_when,
    mask_text,
)

LIST_LIMIT = 20
MAX_NOTE = 1000


@command(
    "request",
    help="Record a feature request a merchant asked for, joined to others asking the same",
    examples=(
        "/request M-10001 export transactions to Excel #reports/export",
        "/request 0812-3456-7890 a dark mode in the app #app --new",
    ),
)
async def request(
    ctx: Context,
    who: MerchantRef,
    text: Rest,
    *,
    new: bool = False,
    to: str | None = None,
) -> Reply:
    """Adds the ask to the open request with the same tag whose words are alike (three in five
    the same, by default), or opens R-n. Each merchant counts once per request.

    who: the merchant: id (M-10001), phone or email
    text: what they asked for, with one #tag anywhere (#reports/export)
    new: record a new request, without looking for a similar one
    to: add it to this request (R-4), without looking
    """
    if new and to:
        raise UsageError("Give --new or --to R-n, not both; nothing was recorded.")
    words, tag = ctx.knowledge.requests.parse(str(text))
    merchant_id = await ctx.knowledge.merchant_id_of(who.kind, who.value, str(who.masked))
    (profile,) = await ctx.gather(ctx.services.merchants.get(f"/merchants/{merchant_id}"))
    if profile.not_found:
        raise UsageError(f"No merchant {merchant_id}; nothing was recorded.")
    result = await ctx.knowledge.requests.record(merchant_id, words, tag, new=new, to=to)
    recorded = result.recorded
    if recorded is None:
        return Reply(outcome=Outcome.REFUSED, text=result.refused)
    found = recorded.request
    tagged = f" #{found.tag}" if found.tag else ""
    merchants = f"{recorded.merchants} merchant{'s' if recorded.merchants != 1 else ''}"
    if recorded.repeated:
        text_out = f"Already recorded in this run: {found.ref} ({merchants})."
    elif recorded.opened:
        text_out = f"Recorded {found.ref}{tagged} for {merchant_id}: {mask_text(found.title)}"
    elif not recorded.new_merchant:
        text_out = (
            f"{merchant_id} had asked for {found.ref} already; this ask is kept beside the "
            f"first ({merchants})."
        )
    else:
        looks = "This looks like" if result.score is not None else "Added to"
        text_out = (
            f"{looks} {found.ref} “{mask_text(found.title)[:120]}”{tagged} ({merchants}): "
            f"{merchant_id} added there."
        )
    reply = Reply(text=text_out, footer=f"Ranked: /requests{tagged}")
    if result.score is not None and recorded.new_merchant:
        reply.text += f" Not the same? /request {merchant_id} … --new records it on its own."
    return reply


@command(
    "requests",
    help="The open feature requests, ranked by how many merchants asked",
    examples=("/requests", "/requests #reports/export"),
)
async def requests(ctx: Context, tag: str | None = None) -> Reply:
    """Open requests, most distinct merchants first (then the oldest).

    tag: only this tag (#reports/export)
    """
    wanted = None
    if tag is not None:
        _, wanted = ctx.knowledge.requests.parse(f"{tag} x" if tag.startswith("#") else f"#{tag} x")
    ranked = await ctx.knowledge.requests.ranked(wanted)
    scope = f" tagged #{wanted}" if wanted else ""
    if not ranked:
        return Reply(
            text=f"No open feature request{scope}. Record one: /request M-10001 <what> #tag"
        )
    reply = Reply(title=f"Open feature requests{scope}, by merchants asking")
    section = reply.section()
    for found, merchants in ranked[:LIST_LIMIT]:
        tagged = f" #{found.tag}" if found.tag else ""
        section.items.append(mask_text(f"{found.ref} ({merchants}) {found.title}")[:200] + tagged)
    reply.footer = "Who asked: /request show R-n"
    return reply


@command(
    "request-show",
    help="A feature request: who asked, in their words, and its notices",
    examples=("/request show R-4",),
)
async def request_show(ctx: Context, ref: str) -> Reply:
    """The request, its status, every ask with who recorded it and when.

    ref: the request, R-4
    """
    found = await ctx.knowledge.requests.get(ref)
    asks = await ctx.knowledge.store.requests.asks(found.id)
    counts = await ctx.knowledge.store.requests.notice_counts(found.id)
    merchants = len({a.merchant_id for a in asks})
    title = f"{found.ref} · {mask_text(found.title)[:150]}"
    reply = Reply(title=title, text=f"Status: {found.status}")
    opened = f"{format_when(found.opened_at.isoformat())} by {found.opened_by}"
    about = reply.section("About")
    about.fields += [
        Field(label="Tag", value=f"#{found.tag}" if found.tag else "—"),
        Field(label="Merchants", value=str(merchants)),
        Field(label="Opened", value=opened),
        Field(label="Notices", value=", ".join(f"{n} {s}" for s, n in counts.items()) or "none"),
    ]
    if found.shipped_at is not None:
        shipped = f"{format_when(found.shipped_at.isoformat())} by {found.shipped_by}"
        about.fields.append(Field(label="Shipped", value=shipped))
    reply.section(f"Asks ({len(asks)})").items += [
        mask_text(f"{a.merchant_id}: {a.text[:150]} ({a.by}, {format_when(a.at.isoformat())})")
        for a in asks[-LIST_LIMIT:]
    ]
    return reply


@command(
    "request-shipped",
    help="Mark a feature request shipped, and offer to tell who asked (leads)",
    roles={"lead"},
    examples=("/request shipped R-4", "/request shipped R-4 in app version 3.2"),
)
async def request_shipped(ctx: Context, ref: str, note: Rest | None = None) -> Reply:
    """Records who shipped it and when; sends nothing, but offers the notice.

    ref: the request, R-4
    note: what to tell merchants (a version, where to find it), offered to the notice
    """
    text = " ".join(str(note or "").split())
    if len(text) > MAX_NOTE:
        raise UsageError(f"The note is {len(text):,} characters; keep it under {MAX_NOTE:,}.")
    shipped, refused = await ctx.knowledge.requests.ship(ref, text)
    if refused is not None:
        return Reply(outcome=Outcome.REFUSED, text=refused)
    merchants = await ctx.knowledge.store.requests.merchants(shipped.id)
    reply = Reply(
        text=f"{shipped.ref} is shipped ({len(merchants)} merchants asked). Nothing was sent "
        "to merchants yet."
    )
    reply.choices.append(
        Choice(
            label=f"Tell the {len(merchants)} merchants who asked",
            command=f"/request notify {shipped.ref}",
        )
    )
    return reply


async def preview_request_notify(ctx: Context, ref: str, *, snippet: str | None = None) -> Any:
    """The dry run: how many merchants, three samples, who has no contact on file."""
    plan = await ctx.knowledge.requests.plan_notice(ref, snippet)
    if isinstance(plan, str):
        return Reply(outcome=Outcome.REFUSED, text=plan)
    return ctx.knowledge.notice_preview(plan)


@command(
    "request-notify",
    help="Tell every merchant who asked that a request shipped, each exactly once (leads)",
    roles={"lead"},
    confirm="Notify {count} merchants about {ref} with {key} v{version}?\n{details}",
    preview=preview_request_notify,
    allow_yes=False,
    timeout_s=600,
    examples=("/request notify R-4", "/request notify R-4 --snippet feature::shipped"),
)
async def request_notify(ctx: Context, ref: str, *, snippet: str | None = None) -> Reply:
    """Sends the snippet by email (or SMS without one) to every merchant who asked, at the
    configured pace; a merchant already told with this snippet version is not told again.

    ref: the shipped request, R-4
    snippet: the snippet to send (default: [knowledge] request_notice_snippet)
    """
    plan = await ctx.knowledge.requests.plan_notice(ref, snippet)
    if isinstance(plan, str):  # as in the preview (a run started without one, in a test)
        return Reply(outcome=Outcome.REFUSED, text=plan)
    title = f"Notifying {len(plan.ready):,} merchants about {plan.subject.ref}"
    tally = await ctx.knowledge.send_notice(plan, ctx.progress(title))
    return ctx.knowledge.notice_result(plan, tally)
