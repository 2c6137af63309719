"""Every sentence the support record says to a user, in one place."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from supportbot.storage import Interaction

    from .insight import TimeSaved

#: What a tag looks like: `group/name`, lower case.
TAG_SHAPE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}/[a-z0-9][a-z0-9_-]{0,39}")


def quoted(text: str, limit: int = 40) -> str:
    """What a person typed, cut to `limit` and quoted, unprintable characters shown as `?`."""
    shown = "".join(c if c.isprintable() else "?" for c in text[:limit])
    return f"'{shown}…'" if len(text) > limit else f"'{shown}'"


def day(moment: datetime) -> str:
    """`12 Nov` (and the year when it is not this year's)."""
    return f"{moment.day} {moment:%b}" + (
        f" {moment.year}" if moment.year != datetime.now(moment.tzinfo).year else ""
    )


def empty_tag() -> str:
    return "A tag is missing after + or -. Name one from /tags, e.g. +settlement/delayed."


def unknown_tag(tag: str, guesses: Sequence[str], groups: Sequence[str] = ()) -> str:
    if guesses:
        hint = f" Did you mean {' or '.join(guesses)}?"
    elif groups:
        example = f"{groups[0]}/…"
        hint = (
            f" No tag is close to it. A tag is a group and a name ({example}); the groups are "
            f"{', '.join(groups)}. /tags lists every tag."
        )
    else:
        hint = " See /tags for every tag."
    return f"There is no tag {quoted(tag)}.{hint} A lead can add it with /tags add."


def bad_tag_shape(tag: str) -> str:
    return (
        f"{quoted(tag)} is not a tag name: write group/name in lower case letters, digits, "
        "- or _ (e.g. payment/ewallet)."
    )


def only_leads_add_tags(roles: Sequence[str]) -> str:
    return f"Only {', '.join(roles) or 'nobody'} may add tags to the taxonomy; ask a lead."


def too_many_tags(count: int, limit: int) -> str:
    return f"That would be {count} tags; one interaction or merchant takes at most {limit}."


def reason_required(reasons: Sequence[str]) -> str:
    return (
        "Closing needs a reason tag saying how the contact ended: "
        + ", ".join(f"#{r}" for r in reasons)
        + "."
    )


def empty_note() -> str:
    return "The note is empty: write what happened after the merchant id."


def note_too_long(length: int, limit: int) -> str:
    return f"The note has {length:,} characters; the limit is {limit:,}. Shorten it or split it."


def no_such_note(reference: str) -> str:
    return (
        f"There is no note {quoted(reference)}. Note ids look like N-4K2P9Q; the card and "
        "/timeline show them."
    )


def note_already_retracted(ref: str) -> str:
    return f"Note {ref} is retracted already."


def not_your_note(ref: str, author: str) -> str:
    return f"Note {ref} is {author}'s: only its author or a lead may retract it."


def no_such_interaction(ref: str) -> str:
    return f"There is no interaction {ref}. Check the id on the card or in /timeline."


def nothing_open() -> str:
    return "You have no open interaction to close. Open one with /log <phone|email|merchant id>."


def already_open(ref: str, merchant_id: str | None) -> str:
    who = f" with {merchant_id}" if merchant_id else " with an unknown contact"
    return f"You already have interaction {ref} open{who}. Close it with /done first."


def unknown_choice(what: str, value: str, choices: Sequence[str]) -> str:
    return f"{quoted(value)} is not a {what}: use one of {', '.join(choices)}."


def alias_taken(shown: str, owner: str, saved_by: str, saved_at: datetime) -> str:
    return (
        f"{shown} is already saved for {owner} (by {saved_by} on {day(saved_at)}). A number "
        "belongs to one merchant: remove it there first if it moved."
    )


def alias_not_saved(shown: str) -> str:
    return f"{shown} is not a saved number, so nothing was removed."


def opened_summary(interaction: Interaction, agent: str, contact: str) -> str:
    via = f" from {contact}" if contact else ""
    return f"{interaction.channel} {interaction.ref} opened by {agent}{via}"


def closed_summary(interaction: Interaction, minutes: float) -> str:
    return f"{interaction.channel} {interaction.ref} closed after {minutes:.0f} min"


def reopened_summary(interaction: Interaction) -> str:
    return f"{interaction.channel} {interaction.ref} reopened"


def reopen_while_open(ref: str) -> str:
    return f"{ref} is still open: there is nothing to reopen. Close it with /done."


def reopen_not_yours(ref: str, agent: str) -> str:
    return (
        f"{ref} was handled by {agent}, so only they can reopen it. For a new contact about "
        "the same thing, /log the customer and mention it in the note."
    )


def record_needs_database() -> str:
    return (
        "The support record needs the bot's database, and this bot runs without one. "
        "Start it with a database (the default SQLite file, or database_url)."
    )


def via_saved_number(who: str, saved_at: datetime) -> str:
    return f"via a number saved by @{who} on {day(saved_at)}"


def not_a_subject(reference: str) -> str:
    return (
        f"{quoted(reference)} is neither a merchant id (M-10001) nor an interaction id (I-7K3QX2)."
    )


def bad_cursor(token: str) -> str:
    return (
        f"{quoted(token)} is not where a timeline page ended; use the Older link of the last "
        "page, or start again without --older."
    )


def bad_window(text: str) -> str:
    return f"{quoted(text)} is not a time window: write 7d, 24h, 30m or 2w (at most a year)."


# --- stats -------------------------------------------------------------------------------


def _minutes(value: float) -> str:
    return f"{value:g}"


def time_saved_method(baseline: float, bot: float) -> str:
    """How the time-saved figure is made: the sentence always shown next to it."""
    return (
        f"Method: each successful lookup or action about a customer (from the audit trail) "
        f"counts as {_minutes(baseline)} minutes before the bot and {_minutes(bot)} with it "
        f"([stats] baseline_minutes and bot_minutes); saved = count × "
        f"{_minutes(baseline - bot)} min."
    )


def time_saved(period: str, saved: TimeSaved) -> str:
    """`last 7 days: 1,240 lookups and 85 actions; at 8.75 → 1.3 min each, about 165 hours
    saved`."""
    lookups = f"{saved.lookups:,} lookup{'' if saved.lookups == 1 else 's'}"
    actions = f"{saved.actions:,} action{'' if saved.actions == 1 else 's'}"
    hours = saved.hours
    about = f"about {hours:,.0f} hours" if hours >= 10 else f"about {hours:,.1f} hours"
    return (
        f"last {period}: {lookups} and {actions}; at {_minutes(saved.baseline_minutes)} → "
        f"{_minutes(saved.bot_minutes)} min each, {about} saved"
    )


def stats_need_database() -> str:
    """A stats command on a bot started without a database."""
    return (
        "The stats are read from the bot's database, and this bot runs without one. "
        "Start it with a database (the default SQLite file, or SUPPORTBOT_DATABASE_URL)."
    )


def chart_description(what: str, values: list[tuple[str, str]]) -> str:
    """A chart's alt text: `Bar chart of runs per command: /merchant 1,240, /help 85.`"""
    if not values:
        return f"Bar chart of {what}: nothing in this period."
    return f"Bar chart of {what}: " + ", ".join(f"{name} {value}" for name, value in values) + "."


def heatmap_description(days: list[tuple[str, int]]) -> str:
    """A weekday × hour heatmap's alt text: the total per day (the table has every cell)."""
    return (
        "Heatmap of contacts by weekday (rows) and local hour (columns), darker is more; "
        "per day: " + ", ".join(f"{day} {count:,}" for day, count in days) + "."
    )


# --- KPIs and CSAT ----------------------------------------------------------------------------


def bad_csat_score(text: str) -> str:
    return f"{quoted(text)} is not a rating: give a whole number from 1 (bad) to 5 (great)."


def not_an_interaction(text: str) -> str:
    return (
        f"{quoted(text)} is not an interaction id. Ratings are per interaction: use the "
        "I-XXXXXX id from the card, /done or /timeline."
    )


def csat_while_open(ref: str) -> str:
    return f"{ref} is still open. Close it with /done first, then record the customer's rating."


def csat_already(ref: str, score: int | None, by: str | None) -> str:
    who = f" (recorded by {by})" if by else ""
    return (
        f"{ref} was already rated {score}/5{who}; one rating per interaction is kept. "
        "Ask a lead if it was recorded wrongly."
    )


def low_csat_alert(interaction: Interaction, score: int, recorded_by: str) -> str:
    agent = interaction.agent_name or interaction.agent_id
    merchant = interaction.merchant_id or "an unknown contact"
    return (
        f"Low CSAT: {interaction.ref} ({interaction.channel} with {merchant}, handled by "
        f"{agent}) was rated {score}/5 (recorded by {recorded_by}). Worth a look in this "
        "week's review."
    )


def csat_recorded(ref: str, score: int, alerted: bool) -> str:
    told = " It is low, so the leads were told." if alerted else ""
    return f"Recorded: the customer rated {ref} {score}/5.{told}"


def business_time(seconds: float | None) -> str:
    """`45 s`, `12 min`, `3 h 05 min` of business time; `—` when there is none."""
    if seconds is None:
        return "—"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def percent(value: float | None) -> str:
    """`92.5 %`; `—` when there is nothing to count."""
    return "—" if value is None else f"{value:.1f} %"


def sla_line(what: str, met: int, breached: int, pending: int, share: float | None) -> str:
    running = f", {pending:,} running" if pending else ""
    return f"SLA {what}: {percent(share)} met ({met:,} met, {breached:,} breached{running})"


def first_response_line(p50: float | None, p90: float | None, answered: int) -> str:
    return (
        f"First response (business hours): p50 {business_time(p50)} · "
        f"p90 {business_time(p90)} ({answered:,} answered)"
    )


def resolution_line(p50: float | None, p90: float | None, closed: int) -> str:
    return (
        f"Resolution (business hours): p50 {business_time(p50)} · p90 {business_time(p90)} "
        f"({closed:,} closed)"
    )


def csat_line(share: float | None, rated: int, response: float | None, closed: int) -> str:
    return (
        f"CSAT: {percent(share)} rated 4 or 5, of {rated:,} rating{'' if rated == 1 else 's'} "
        f"· response rate {percent(response)} of {closed:,} closed"
    )


def channel_sla_line(channel: str, first: float | None, resolution: float | None) -> str:
    return f"{channel}: first response {percent(first)} · resolution {percent(resolution)}"


def agent_line(
    name: str,
    contacts: int,
    p50: float | None,
    p90: float | None,
    sla: float | None,
    csat: float | None,
    rated: int,
) -> str:
    return (
        f"{name}: {contacts:,} contact{'' if contacts == 1 else 's'} · first response p50 "
        f"{business_time(p50)}, p90 {business_time(p90)}, SLA {percent(sla)} · CSAT "
        f"{percent(csat)} of {rated:,} rating{'' if rated == 1 else 's'}"
    )


def kpi_method(zone: str) -> str:
    return (
        f"Times are business hours ({zone}, [kpi.business_hours]) from open to the first agent "
        "reply, and to close; p50 is the median, p90 the 90th percentile (nearest rank). SLA % "
        "is met out of met + breached against each channel's [kpi.sla] target; a running clock "
        "past its target counts as breached. CSAT is the share of ratings that are 4 or 5."
    )


# --- finding a merchant by phone, email or id (`ctx.find_merchant`) ---------------------------

#: What to try instead, after "No merchant found with ...", for each way of searching.
NOT_FOUND_HINT = {
    "phone": "Check the number with the customer, or try their email or merchant id.",
    "email": "Check the spelling with the customer, or try their phone number or merchant id.",
    "merchant_id": "Check the id with the customer (it looks like M-10001), "
    "or try their phone number or email.",
}


def search_failed(kind: str) -> str:
    return f"Could not search merchants by {kind}, so nothing else was looked up."


def merchant_not_found(
    kind: str, ref_kind: str, shown: str, searched: str | None, unconfirmed: bool
) -> str:
    as_searched = f" (searched as {searched})" if searched else ""
    # The merchants service failed, but every other service says it has no such merchant.
    caveat = (
        ": billing, devices and transactions have no record of it (merchants could not be "
        "asked to confirm)"
        if unconfirmed
        else ""
    )
    hint = NOT_FOUND_HINT[ref_kind]
    return f"No merchant found with the {kind} {shown}{as_searched}{caveat}. {hint}"


def save_unknown_number(shown: str) -> str:
    return f"If you know whose number it is: /alias {shown} <merchant id>"


def save_number_label() -> str:
    return "Save this number"


def add_note_label() -> str:
    return "Add note"


def tag_label() -> str:
    return "Tag"


def saved_number_label(merchant_id: str) -> str:
    return f"{merchant_id} (saved number)"


def merchants_match(count: int, shown: str) -> str:
    return f"{count} merchants match {shown}"


def pick_one() -> str:
    return "Pick one:"


def more_matches(hidden: int) -> str:
    return f"… and {hidden:,} more; search by merchant id."
