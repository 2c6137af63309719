"""/tag: put tags from the taxonomy on a merchant or an interaction (or take them off);
/tags: the taxonomy, and (for leads) /tags add."""

from __future__ import annotations

from supportbot import Context, Reply, Rest, Section, UsageError, command

EXAMPLE = "/tag M-10001 +settlement/delayed -account/pin"


@command(
    "tag",
    help="Tag a merchant or an interaction: +tag adds, -tag removes",
    examples=(EXAMPLE, "/tag I-7K3QX2 +device/offline"),
)
async def tag(ctx: Context, about: str, changes: Rest | None = None) -> Reply:
    """Tags come from the taxonomy (/tags); an unknown one is refused with the closest ones.

    about: a merchant id (M-10001) or an interaction id (I-7K3QX2)
    changes: +group/tag to add, -group/tag to remove (a bare group/tag adds)
    """
    record = ctx.record
    words = str(changes or "").split()
    if not words:
        raise UsageError(
            "Say which tags: +settlement/delayed adds, -account/pin removes.", example=EXAMPLE
        )
    parsed = record.tag_changes(words, await record.taxonomy())
    subject = await record.subject(about, example=EXAMPLE)
    added, removed = await record.tag(subject, parsed)
    where = subject.interaction_ref or subject.merchant_id
    shown = " ".join(("+" if c.add else "-") + c.tag for c in parsed)
    reply = Reply(text=f"{where}: {shown} ({added} added, {removed} removed).")
    if where is not None:
        await _suggest_links(ctx, reply, [c.tag for c in parsed if c.add], where)
    return reply


async def _suggest_links(ctx: Context, reply: Reply, tags: list[str], target: str) -> None:
    """Add the known issues these tags concern, with the command that links them."""
    suggestions = await ctx.knowledge.link_suggestions(tags, target)
    if suggestions:
        reply.section("Known issues with these tags").items += suggestions


@command(
    "tags",
    help="The tags agents may use (leads: /tags add group/name description)",
    examples=("/tags", "/tags settlement", "/tags add payment/ewallet E-wallet payments"),
)
async def tags(ctx: Context, group: str | None = None, more: Rest | None = None) -> Reply:
    """Lists the taxonomy, or one group of it. `add` (leads) adds a tag.

    group: only this group's tags, or `add`
    more: after `add`: the tag (group/name) and its description
    """
    record = ctx.record
    record.quiet()
    if group is not None and group.lower() == "add":
        words = str(more or "").split(maxsplit=1)
        if not words:
            raise UsageError(
                "Name the tag to add: /tags add group/name what it means.",
                example="/tags add payment/ewallet E-wallet payments",
            )
        added = await record.add_to_taxonomy(words[0], words[1] if len(words) > 1 else "")
        name = words[0].lstrip("#+").lower()
        return Reply(text=f"Tag {name} added." if added else f"Tag {name} exists already.")
    taxonomy = await record.taxonomy()
    wanted = group.lower().strip("/") if group else None
    if wanted is not None and wanted not in {t.split("/")[0] for t in taxonomy.tags}:
        raise UsageError(
            f"There is no tag group {group[:40]!r}. Groups: {', '.join(sorted(taxonomy.groups))}.",
            example="/tags settlement",
        )
    sections: dict[str, Section] = {}
    for name, description in sorted(taxonomy.tags.items()):
        first = name.split("/")[0]
        if wanted is not None and first != wanted:
            continue
        section = sections.setdefault(
            first, Section(title=f"{first} — {taxonomy.groups.get(first, 'added by leads')}")
        )
        section.items.append(f"#{name}  {description}".rstrip())
    return Reply(
        title="Tags" if wanted is None else f"Tags in {wanted}",
        sections=list(sections.values()),
        footer="Use them with /log, /done and /tag, e.g. " + EXAMPLE,
    )
