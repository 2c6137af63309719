"""/warn: tell the stakeholders early that something is going wrong.

/warn "card terminals offline in Bandung" #device/offline
    posts to the early-warning channel, mentioning the stakeholder group; a second /warn about
    the same tag within the window adds to that warning's count instead of posting again.
"""

from __future__ import annotations

import shlex

from supportbot import Context, Reply, Rest, UsageError, command

EXAMPLE = '/warn "card terminals offline in Bandung" #device/offline'


def _split(text: str) -> tuple[str, str | None]:
    """(what the sender sees, the #tag after it or None)."""
    try:
        words = shlex.split(text)
    except ValueError:
        raise UsageError(
            "A quote is not closed; put what you see in one pair of quotes.", example=EXAMPLE
        ) from None
    tags = []
    while words and words[-1].startswith("#"):
        tags.append(words.pop())
    if len(tags) > 1:
        raise UsageError(
            f"One tag per warning, not {len(tags)} ({' '.join(reversed(tags))[:80]}): pick the "
            "one that names the problem.",
            example=EXAMPLE,
        )
    return " ".join(words), tags[0] if tags else None


@command(
    "warn",
    help="Warn the stakeholders early: posts to the early-warning channel, once per tag",
    examples=(EXAMPLE, '/warn "settlements late for BCA accounts"'),
)
async def warn(ctx: Context, what: Rest | None = None) -> Reply:
    """Posts what you see to the early-warning channel and mentions the stakeholder group. A
    warning about a tag already warned of recently adds to its count on the same message.

    what: what you see, in quotes, then a #tag from /tags (optional)
    """
    text, tag_word = _split(str(what or ""))
    if not text.strip():
        raise UsageError(
            'Say what you see, in quotes: /warn "card terminals offline in Bandung" '
            "#device/offline.",
            example=EXAMPLE,
        )
    tag = None
    if tag_word is not None:
        taxonomy = await ctx.record.taxonomy()
        tag = ctx.record.tag_changes([tag_word], taxonomy)[0].tag
    done = await ctx.knowledge.warn(text, tag)
    warning = done.warning
    settings = ctx.knowledge.settings
    return Reply(
        text=ctx.knowledge.warning_summary(done),
        footer=f"{warning.ref} · within {settings.warning_window_min} min of the last report, "
        "another /warn about the same tag is counted here",
    )
