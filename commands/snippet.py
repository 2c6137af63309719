"""/snippet and /snippets: the library of consistent replies, filled from a live lookup.

/snippet billing::refund-delayed M-10001 days=3     the text, ready to paste
/snippet add outage::pos "Hi {{ owner_first_name | default('there') }}, ..."   (leads)
/snippet edit outage::pos <new body>                a new version, with who and when (leads)
/snippet show outage::pos                           the body and its versions
/snippets [search]                                  the library, best matches first
/snippets placeholders                              what a body may use
"""

from __future__ import annotations

import shlex

from supportbot import (
    Context,
    Field,
    MerchantRef,
    Outcome,
    Reply,
    Rest,
    UsageError,
    command,
    format_when,
)

LIST_LIMIT = 25


def _words(values: Rest | None) -> list[str]:
    try:
        return shlex.split(str(values or ""))
    except ValueError:
        raise UsageError(
            'A quote is not closed in the values; write them like reason="late courier".'
        ) from None


@command(
    "snippet",
    help="A reply text filled in for one merchant, ready to paste",
    examples=(
        "/snippet greeting::first-reply M-10001",
        "/snippet billing::refund-delayed M-10001 days=3",
    ),
)
async def snippet(ctx: Context, key: str, who: MerchantRef, values: Rest | None = None) -> Reply:
    """Renders the snippet from a live lookup of the merchant, or says which value is missing.

    key: the snippet's key, e.g. billing::refund-delayed (/snippets lists them)
    who: the merchant: id (M-10001), phone or email
    values: what the snippet asks for, as name=value (days=3)
    """
    merchant_id = await ctx.knowledge.merchant_id_of(who.kind, who.value, str(who.masked))
    rendered = await ctx.knowledge.render(key, merchant_id, _words(values))
    used = rendered.snippet
    counted = f" · counted in {rendered.interaction_ref}" if rendered.interaction_ref else ""
    return Reply(
        text=rendered.text,
        footer=f"{used.key} v{used.version} for {merchant_id}{counted} · copy and send",
    )


@command(
    "snippet-add",
    help="Add a snippet to the library (leads)",
    roles={"lead"},
    examples=('/snippet add device::battery Hi {{ owner_first_name | default("there") }}, ...',),
)
async def snippet_add(
    ctx: Context, key: str, body: Rest, *, title: str | None = None, ask: str | None = None
) -> Reply:
    """Saves version 1 of a new snippet after checking its body.

    key: category::name, e.g. device::battery
    body: the text, with {{ placeholders }}
    title: a short title (default: the key)
    ask: values the agent types, name:what;name:what (e.g. days:working days the bank takes)
    """
    saved = await ctx.knowledge.save_snippet(key, str(body), title=title, asks=_asks(ask), new=True)
    return Reply(text=f"Saved {saved.key} (version {saved.version}) by {saved.created_by}.")


@command(
    "snippet-edit",
    help="Change a snippet: a new version, with who and when (leads)",
    roles={"lead"},
    examples=('/snippet edit device::battery Hi {{ owner_first_name | default("there") }}, ...',),
)
async def snippet_edit(
    ctx: Context, key: str, body: Rest, *, title: str | None = None, ask: str | None = None
) -> Reply:
    """Saves the next version of a snippet after checking its body.

    key: the snippet's key
    body: the new text
    title: a new title (default: the current one)
    ask: new values the agent types (default: the current ones)
    """
    saved = await ctx.knowledge.save_snippet(
        key, str(body), title=title, asks=_asks(ask), new=False
    )
    return Reply(
        text=f"Saved {saved.key} version {saved.version} by {saved.created_by} at "
        f"{format_when(saved.created_at.isoformat())}."
    )


@command(
    "snippet-show",
    help="A snippet's body and its versions",
    examples=("/snippet show billing::refund-delayed",),
)
async def snippet_show(ctx: Context, key: str) -> Reply:
    """The newest body, what it asks for, and who changed it when.

    key: the snippet's key
    """
    current = await ctx.knowledge.snippet(key)
    versions = await ctx.knowledge.store.snippets.versions(current.key)
    reply = Reply(title=f"{current.key} · {current.title}", text=current.body)
    section = reply.section("About")
    section.fields += [
        Field(label="Version", value=str(current.version)),
        Field(label="Owner", value=current.owner),
        Field(
            label="Reviewed",
            value=format_when(current.reviewed_on.isoformat() if current.reviewed_on else None),
        ),
        Field(
            label="Asks",
            value=", ".join(f"{k} ({v})" for k, v in (current.asks or {}).items()) or "nothing",
        ),
    ]
    history = reply.section("Versions")
    history.items += [
        f"v{v.version} by {v.created_by}, {format_when(v.created_at.isoformat())}"
        for v in versions[:10]
    ]
    return reply


@command(
    "snippets",
    help="The snippet library, best matches first",
    examples=(
        "/snippets",
        "/snippets refund",
    ),
)
async def snippets(ctx: Context, search: Rest | None = None) -> Reply:
    """Lists snippets: key prefix matches first, then other matches in keys and titles, then
    matches in the body.

    search: words to look for (optional)
    """
    query = " ".join(str(search or "").split())[:100]
    found = await ctx.knowledge.search_snippets(query or None)
    if not found:
        return Reply(
            outcome=Outcome.NOT_FOUND,
            text=f"No snippet matches {query!r}. /snippets lists them all."
            if query
            else "The library is empty; a lead adds one with /snippet add <key> <body>.",
        )
    reply = Reply(title=f"Snippets matching {query!r}" if query else "Snippets")
    section = reply.section(f"{len(found)} snippet{'s' if len(found) != 1 else ''}")
    section.items += [
        f"{s.key} — {s.title} (v{s.version}, used {uses:,}×)" for s, uses in found[:LIST_LIMIT]
    ]
    if len(found) > LIST_LIMIT:
        reply.footer = f"… and {len(found) - LIST_LIMIT} more; narrow the search."
    else:
        reply.footer = "Use one: /snippet <key> <merchant> [name=value]"
    return reply


@command("snippets-placeholders", help="The placeholders a snippet can use")
async def snippets_placeholders(ctx: Context) -> Reply:
    """Every {{ placeholder }} filled from the live lookup, and how to give a fallback."""
    reply = Reply(
        title="Snippet placeholders",
        text='A fallback for an empty one: {{ owner_first_name | default("there") }}.',
    )
    section = reply.section("Filled from the lookup")
    section.items += [f"{{{{ {n} }}}} — {what}" for n, what in ctx.knowledge.placeholders().items()]
    return reply


def _asks(text: str | None) -> dict[str, str] | None:
    if text is None:
        return None
    asks: dict[str, str] = {}
    for part in text.split(";"):
        name, _, what = part.partition(":")
        name = name.strip().lower()
        if not name.isidentifier() or name.startswith("_") or len(name) > 40:
            raise UsageError(
                f"{part.strip()[:40]!r} is not an ask: write name:what to type, e.g. "
                '--ask "days:working days the bank takes".'
            )
        asks[name] = what.strip()[:200] or "a value"
    return asks
