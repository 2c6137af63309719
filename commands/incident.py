"""/incident and /incidents: known issues, their status, who they affect, and notices.

/incident open "Card payments fail on PAX A920" --match device_model="PAX A920"
    --workaround "Take QRIS payments until fixed" --snippet outage::card-terminals  (leads)
/incident status KI-3 identified [note]            (leads)
/incident link KI-3 M-10001                         a merchant (or an interaction id)
/incident notify KI-3 [--snippet key]               the dry run, then the send (leads)
/incident KI-3                                      the issue, its history and its links
/incidents                                          the active issues
"""

from __future__ import annotations

import re
from typing import Any

from supportbot import (
    Choice,
    Context,
    Field,
    Reply,
    Rest,
    UsageError,
    command,
    format_when,
    mask_text,
)

_MATCH_FIELD = re.compile(r"\s*;\s*")
_LIST = re.compile(r"[,\s]+")
_MERCHANT = re.compile(r"M-?[0-9]{5}", re.IGNORECASE)
MAX_TITLE = 200
MAX_TEXT = 1000


def _text(value: str | None, what: str, limit: int = MAX_TEXT) -> str:
    text = " ".join((value or "").split())
    if len(text) > limit:
        raise UsageError(f"The {what} is {len(text):,} characters; keep it under {limit:,}.")
    return text


def _names(value: str | None, what: str) -> list[str]:
    names = [n for n in _LIST.split(value or "") if n]
    for name in names:
        if len(name) > 60 or not re.fullmatch(r"[a-z0-9][a-z0-9_/.-]*", name, re.IGNORECASE):
            raise UsageError(f"{name[:40]!r} is not a {what}: use letters, digits, - _ / and .")
    return list(dict.fromkeys(n.lower() for n in names))[:20]


@command(
    "incident-open",
    help="Open a known issue (KI-n) and say who it affects (leads)",
    roles={"lead"},
    examples=(
        '/incident open "Card payments fail on PAX A920" --match device_model="PAX A920"',
        '/incident open "Settlement late" --tag settlement/delayed --merchants M-10001,M-10002',
    ),
)
async def incident_open(
    ctx: Context,
    title: str,
    *,
    match: str | None = None,
    tag: str | None = None,
    merchants: str | None = None,
    summary: str | None = None,
    workaround: str | None = None,
    snippet: str | None = None,
    services: str | None = None,
    tags: str | None = None,
) -> Reply:
    """Opens KI-n as investigating. Say who is affected with at least one of --match, --tag or
    --merchants.

    title: what is wrong, in a few words (quoted)
    match: merchant fields, field=value[,value][;field=value] (device_model, plan, city,
        category, payment_method, status, merchant_id)
    tag: a tag whose contacts are affected
    merchants: an explicit list of merchant ids, M-10001,M-10002
    summary: what customers are told
    workaround: what to do until it is fixed
    snippet: the snippet its notices use
    services: the services it concerns, billing,devices
    tags: the tags it concerns
    """
    heading = _text(title, "title", MAX_TITLE)
    if not heading:
        raise UsageError('Give the issue a title, e.g. /incident open "Card payments fail".')
    rule = ctx.knowledge.match_rule(
        [p for p in _MATCH_FIELD.split(match or "") if p.strip()],
        tag=(_names(tag, "tag") or [None])[0],
        merchants=merchants or "",
    )
    if rule.empty:
        raise UsageError(
            "Say who is affected: --match field=value, --tag tag, or --merchants M-10001,M-10002."
            " Nothing was opened."
        )
    opened = await ctx.knowledge.open_incident(
        heading,
        rule,
        summary=_text(summary, "summary"),
        workaround=_text(workaround, "workaround"),
        snippet_key=snippet,
        services=_names(services, "service"),
        tags=_names(tags, "tag"),
    )
    return Reply(
        text=f"Opened {opened.ref}: {opened.title} (investigating). Cards of affected merchants "
        f"now show it. Next: /incident status {opened.ref} identified",
    )


@command(
    "incident-status",
    help="Move a known issue along: investigating, identified, monitoring, resolved (leads)",
    roles={"lead"},
    examples=("/incident status KI-3 identified", "/incident status KI-3 resolved fixed by v2.3"),
)
async def incident_status(ctx: Context, ref: str, status: str, note: Rest | None = None) -> Reply:
    """Records the change with who and when; resolving offers to notify, never sends.

    ref: the issue, KI-3
    status: investigating, identified, monitoring or resolved
    note: what changed (optional)
    """
    after, before = await ctx.knowledge.move_incident(ref, status, _text(note, "note"))
    reply = Reply(text=f"{after.ref} is now {after.status} (was {before}).")
    if after.status == "resolved":
        reply.text = f"{reply.text} Nothing was sent to merchants."
        reply.choices.append(
            Choice(
                label="Tell the affected merchants it is resolved",
                command=f"/incident notify {after.ref} --snippet outage::resolved",
            )
        )
    return reply


@command(
    "incident-link",
    help="Link a merchant or an interaction to a known issue",
    examples=("/incident link KI-3 M-10001",),
)
async def incident_link(ctx: Context, ref: str, target: str) -> Reply:
    """A merchant id links the merchant (its card shows the issue; notices reach it); any other
    id links that interaction.

    ref: the issue, KI-3
    target: a merchant id (M-10001) or an interaction id
    """
    word = target.strip()
    if _MERCHANT.fullmatch(word):
        kind, shown = "merchant", "M-" + word[-5:]
    elif re.fullmatch(r"[A-Za-z0-9_-]{1,64}", word):
        kind, shown = "interaction", word
    else:
        raise UsageError(
            f"{word[:40]!r} is not a merchant id (M-10001) or an interaction id; nothing linked."
        )
    incident, added = await ctx.knowledge.link(ref, kind, shown)
    done = "Linked" if added else "Already linked:"
    return Reply(text=f"{done} {kind} {shown} to {incident.ref} ({incident.title}).")


async def preview_notify(ctx: Context, ref: str, *, snippet: str | None = None) -> Any:
    """The dry run: how many merchants, three samples, who has no contact on file."""
    return ctx.knowledge.notice_preview(await ctx.knowledge.plan_notice(ref, snippet))


@command(
    "incident-notify",
    help="Tell every affected merchant about a known issue, each exactly once (leads)",
    roles={"lead"},
    confirm="Notify {count} merchants about {ref} with {key} v{version}?\n{details}",
    preview=preview_notify,
    allow_yes=False,
    timeout_s=600,
    examples=("/incident notify KI-3 --snippet outage::card-terminals",),
)
async def incident_notify(ctx: Context, ref: str, *, snippet: str | None = None) -> Reply:
    """Sends the snippet by email (or SMS without one) to every merchant the issue affects, at
    the configured pace; a merchant already notified with this snippet version is not notified
    again.

    ref: the issue, KI-3
    snippet: the snippet to send (default: the issue's own)
    """
    plan = await ctx.knowledge.plan_notice(ref, snippet)
    title = f"Notifying {len(plan.ready):,} merchants about {plan.subject.ref}"
    tally = await ctx.knowledge.send_notice(plan, ctx.progress(title))
    return ctx.knowledge.notice_result(plan, tally)


@command(
    "incident", help="A known issue: status, history, who it affects", examples=("/incident KI-3",)
)
async def incident(ctx: Context, ref: str) -> Reply:
    """Shows the issue, its status changes with who and when, its links and its notices.

    ref: the issue, KI-3
    """
    found = await ctx.knowledge.incident(ref)
    history = await ctx.knowledge.history(found)
    links = await ctx.knowledge.store.incidents.links(found.id)
    counts = await ctx.knowledge.store.incidents.notice_counts(found.id)
    reply = Reply(title=f"{found.ref} · {found.title}", text=f"Status: {found.status}")
    about = reply.section("About")
    about.fields += [
        Field(label="Summary", value=found.summary or "—"),
        Field(label="Workaround", value=found.workaround or "—"),
        Field(label="Affects", value=ctx.knowledge.describe_rule(found)),
        Field(label="Snippet", value=found.snippet_key or "—"),
        Field(label="Notices", value=", ".join(f"{n} {s}" for s, n in counts.items()) or "none"),
    ]
    reply.section("History").items += [
        f"{format_when(e.at.isoformat())} {e.to_status} by {e.by}"
        + (f": {e.note}" if e.note and e.note != "opened" else "")
        for e in history[-10:]
    ]
    if links:
        reply.section(f"Linked ({len(links)})").items += [
            f"{link.kind} {link.ref} by {link.by}" for link in links[:20]
        ]
    return reply


@command("incidents", help="The known issues that are not resolved yet")
async def incidents(ctx: Context) -> Reply:
    """Lists the active issues, newest first, with their status and workaround."""
    active = await ctx.knowledge.active_incidents()
    if not active:
        return Reply(text="No known issue is active.")
    reply = Reply(title=f"{len(active)} active known issue{'s' if len(active) != 1 else ''}")
    section = reply.section()
    for found in active:
        workaround = f" — {found.workaround}" if found.workaround else ""
        section.items.append(
            mask_text(f"{found.ref} {found.title} ({found.status}){workaround}")[:300]
        )
    reply.footer = "Details: /incident KI-n"
    return reply
