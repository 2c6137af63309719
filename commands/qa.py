"""/qa: the weekly QA review. Leads score a sample of last week's interactions; agents read
and acknowledge the reviews of theirs.

/qa                         the queue (reviewers) or your reviews (agents)
/qa draw [2026-W48]         draw the week's sample once (it is drawn by itself each week), and
                            check it: drawn again with its stored seed, the same interactions
/qa queue                   the reviews waiting for you
/qa review Q-12             the interaction and the scorecard to fill
/qa review Q-12 3 4 n/a 2 clear answer, no note left      score it (1-4 or n/a each), comment
/qa mine                    the reviews of your interactions
/qa ack Q-12                you read it
"""

from __future__ import annotations

from supportbot import Choice, Context, Reply, Rest, Section, command, mask_text, qa_of

LIST_LIMIT = 25


@command("qa", help="The weekly QA review: your queue (leads) or the reviews of your interactions")
async def qa(ctx: Context) -> Reply:
    """Reviewers see what waits for them; everyone else, the reviews of their interactions."""
    desk = qa_of(ctx)
    return await (qa_queue(ctx) if desk.is_reviewer else qa_mine(ctx))


@command(
    "qa-draw",
    help="Draw a week's QA sample (once) and check it against its stored seed (reviewers)",
    examples=("/qa draw", "/qa draw 2026-W48"),
)
async def qa_draw(ctx: Context, week: str | None = None) -> Reply:
    """The sample is drawn each week by itself ([kpi.qa] weekday and hour); this draws a week
    that was missed, or shows one drawn already. Either way it is drawn again with the stored
    seed from the record as it stands, and any difference is named.

    week: the ISO week, 2026-W48 (default: last week)
    """
    desk = qa_of(ctx)
    drawn = await desk.draw(week)
    sample = drawn.sample
    agents = len({r.agent_id for r in drawn.reviews})
    reply = Reply(
        title=f"QA sample of {sample.week}",
        text=f"{len(drawn.reviews):,} reviews of {agents:,} agents' interactions, drawn "
        f"{sample.drawn_at:%Y-%m-%d %H:%M} UTC by {sample.drawn_by} with seed {sample.seed}.",
    )
    if drawn.changed:
        reply.text += (
            f" Drawn again with that seed, {len(drawn.changed)} interactions differ "
            f"({', '.join(drawn.changed[:10])}): the record changed since (a rating, a reopen)."
        )
    else:
        reply.text += " Drawn again with that seed: the same interactions."
    reply.sections.append(Section(items=[desk.line(r) for r in drawn.reviews[:LIST_LIMIT]]))
    reply.footer = "/qa queue lists the ones waiting for you"
    return reply


@command("qa-queue", help="The QA reviews waiting for you (reviewers)")
async def qa_queue(ctx: Context) -> Reply:
    """Assigned to you, or to nobody and not about your own interactions; oldest first."""
    desk = qa_of(ctx)
    waiting = await desk.queue()
    if not waiting:
        return Reply(text="No review is waiting for you.")
    reply = Reply(title=f"Waiting for your review ({len(waiting)})")
    reply.sections.append(Section(items=[desk.line(r) for r in waiting[:LIST_LIMIT]]))
    reply.choices += [
        Choice(label=f"Review {r.ref}", command=f"/qa review {r.ref}") for r in waiting[:5]
    ]
    return reply


@command(
    "qa-review",
    help="Show a QA review's interaction and scorecard, or score it (reviewers)",
    examples=("/qa review Q-12", "/qa review Q-12 3 4 n/a 2 clear answer, but no note left"),
)
async def qa_review(ctx: Context, review: str, scorecard: Rest | None = None) -> Reply:
    """Without scores: the interaction (channel, times, SLA, CSAT, tags, notes) and the
    criteria. With them: one score per criterion, in order (or as name=3), 1-4 or n/a, then a
    comment. A scorecard is kept as first given.

    review: the review id, Q-12 (/qa queue lists them)
    scorecard: the scores, then the comment
    """
    desk = qa_of(ctx)
    criteria = desk.config.qa.criteria
    if scorecard:
        done = await desk.review(review, str(scorecard).split())
        return Reply(
            text=f"{done.ref} is scored: {desk.scores(done)}",
            footer=f"{done.agent_name or done.agent_id} sees it with /qa mine",
        )
    found = await desk.details(await desk.scorecard(review))
    item = found.review
    reply = Reply(title=f"{item.ref} · {item.interaction_ref}")
    if found.interaction is not None:
        i = found.interaction
        minutes = (
            f"{(i.closed_at - i.opened_at).total_seconds() / 60:.0f} min" if i.closed_at else "open"
        )
        reply.text = (
            f"{i.channel} with {i.merchant_id or 'an unknown contact'}, handled by "
            f"{i.agent_name or i.agent_id}, opened {i.opened_at:%Y-%m-%d %H:%M} UTC, {minutes}, "
            f"{i.outcome or 'no outcome'}. First response SLA {i.sla_first_response or '—'}, "
            f"resolution SLA {i.sla_resolution or '—'}, CSAT {i.csat or '—'}."
        )
    reply.sections.append(Section(title="Tags", items=found.tags or ["none"]))
    if found.notes:
        notes = [
            f"{n.ref} {n.author_name or n.author_id}: {mask_text(n.text)}" for n in found.notes
        ]
        reply.sections.append(Section(title="Notes", items=notes))
    reply.sections.append(
        Section(title="Criteria, each 1-4 or n/a", items=[f"{k}: {v}" for k, v in criteria.items()])
    )
    reply.footer = (
        f"Score it: /qa review {item.ref} " + " ".join("3" for _ in criteria) + " <comment>"
    )
    return reply


@command("qa-mine", help="The QA reviews of your interactions")
async def qa_mine(ctx: Context) -> Reply:
    """Scored reviews of interactions you handled, with the comment; acknowledge with /qa ack."""
    desk = qa_of(ctx)
    mine = await desk.mine()
    if not mine:
        return Reply(text="None of your interactions has been reviewed yet.")
    reply = Reply(title=f"Reviews of your interactions ({len(mine)})")
    reply.sections.append(
        Section(
            items=[
                f"{r.ref} · {r.interaction_ref}: {desk.scores(r)}"
                + ("" if r.acknowledged_at else "  (new: /qa ack " + r.ref + ")")
                for r in mine[-LIST_LIMIT:]
            ]
        )
    )
    return reply


@command("qa-ack", help="Acknowledge a QA review of your interaction", examples=("/qa ack Q-12",))
async def qa_ack(ctx: Context, review: str) -> Reply:
    """Tells the reviewer you read it (once).

    review: the review id, Q-12 (/qa mine lists them)
    """
    done = await qa_of(ctx).acknowledge(review)
    return Reply(text=f"Acknowledged {done.ref}.")


__all__ = ["qa", "qa_ack", "qa_draw", "qa_mine", "qa_queue", "qa_review"]
