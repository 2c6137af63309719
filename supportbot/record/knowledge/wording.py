"""The sentences of snippets, known issues and bulk notices."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime

from supportbot.core.formatting import format_when
from supportbot.core.wording import either
from supportbot.storage import Incident

# --- snippet templates -----------------------------------------------------------------------


def _braces(names: Iterable[str]) -> str:
    return ", ".join("{{ " + name + " }}" for name in names)


def template_construct_refused(what: str, line: int | None) -> str:
    """A body uses syntax a snippet may not have."""
    where = f" (line {line})" if line else ""
    return (
        f"A snippet cannot use {what}{where}: only text, {{{{ placeholders }}}}, the filters "
        "default, upper, lower, title, capitalize and trim, and {% if %}. Remove it and save again."
    )


def template_private_name(name: str) -> str:
    """A placeholder whose name starts with an underscore."""
    return f"{{{{ {name[:40]} }}}} is not a placeholder: it starts with _ or is a Jinja word."


def template_constant_too_long(limit: int) -> str:
    """A quoted text inside a placeholder is too long."""
    return f"A quoted text inside {{{{ }}}} is longer than {limit} characters; shorten it."


def template_filter_refused(name: str, allowed: Collection[str]) -> str:
    """A filter outside the whitelist."""
    return f"The filter {name[:40]!r} is not allowed in a snippet; use {either(sorted(allowed))}."


def template_filter_arguments(name: str) -> str:
    """A filter given something other than quoted text."""
    return (
        f"The filter {name[:40]} takes only quoted text, e.g. {{{{ owner_first_name | "
        'default("there") }}.'
    )


def template_syntax(problem: str, line: int | None) -> str:
    """Jinja could not read the body."""
    where = f" on line {line}" if line else ""
    return f"The snippet body cannot be read{where}: {problem[:200]}. Fix it and save again."


def template_failed(problem: str) -> str:
    """Rendering failed for a reason the checks did not catch (never shown half-filled)."""
    return f"The snippet could not be filled in ({problem[:200]}); nothing was rendered."


def template_output_too_long(length: int, limit: int) -> str:
    """A body rendered to more than the limit."""
    return f"The snippet would be {length:,} characters, over the limit of {limit:,}; shorten it."


def empty_body() -> str:
    """A snippet with no text."""
    return "The snippet body is empty: give the text to send, e.g. Hi {{ owner_first_name }}, ..."


def body_too_long(length: int, limit: int) -> str:
    """A body over the size limit."""
    return f"The snippet body is {length:,} characters; keep it under {limit:,}."


def unknown_placeholders(names: list[str], known: Collection[str]) -> str:
    """Names that are neither placeholders from the lookup nor values the snippet asks for."""
    first = names[0]
    close = difflib.get_close_matches(first, list(known), n=1)
    hint = f" Did you mean {{{{ {close[0]} }}}}?" if close else ""
    return (
        f"Unknown placeholder {_braces(names[:5])}: it is not filled from the lookup and the "
        f"snippet does not ask for it.{hint} /snippets placeholders lists them."
    )


def empty_placeholders(names: list[str]) -> str:
    """Placeholders this merchant has no value for, used without a fallback."""
    shown = _braces(names[:5])
    one = len(names) == 1
    return (
        f"{shown} {'is' if one else 'are'} empty for this merchant and the snippet has no "
        f"fallback for {'it' if one else 'them'}, so it was not rendered. Give a value "
        f"({names[0]}=...) or ask a lead to add a fallback, e.g. "
        f'{{{{ {names[0]} | default("...") }}}}.'
    )


def missing_asks(names: list[str], prompts: dict[str, str]) -> str:
    """The agent did not type the values the snippet asks for."""
    parts = [f"{name}=... ({prompts.get(name, 'a value')})" for name in names[:5]]
    return "This snippet asks you for " + ", ".join(parts) + ": add them after the merchant."


# --- snippets: library and commands ----------------------------------------------------------


def bad_snippet_key(key: str) -> str:
    """A key that is not category::name."""
    return (
        f"{key[:60]!r} is not a snippet key: use lower-case words with - joined by ::, "
        "e.g. billing::refund-delayed (2 to 4 parts, up to 120 characters)."
    )


def unknown_snippet(key: str, close: list[str]) -> str:
    """No snippet with this key."""
    hint = f" Did you mean {either(close)}?" if close else ""
    return f"No snippet {key[:120]!r}.{hint} /snippets lists them."


def snippet_exists(key: str, version: int) -> str:
    """/snippet add for a key in use."""
    return f"{key} already exists (version {version}); change it with /snippet edit {key} <body>."


def snippet_changed(key: str, version: int, by: str) -> str:
    """Two edits raced; this one lost."""
    return (
        f"{key} changed while you edited it (now version {version}, by {by}); nothing was "
        "saved. Look at /snippet show " + key + " and edit again."
    )


def bad_value(word: str) -> str:
    """An argument after the merchant that is not name=value."""
    return f"{word[:60]!r} is not name=value: give values the snippet asks for, e.g. days=3."


def reserved_key(key: str) -> str:
    """A snippet key that is a sub-command word."""
    return f"{key!r} cannot be a snippet key: it is a /snippet sub-command."


# --- known issues ----------------------------------------------------------------------------


def unknown_incident(ref: str) -> str:
    """No such known issue."""
    return f"No known issue {ref[:40]}. /incidents lists the active ones."


def bad_incident_ref(ref: str) -> str:
    """A reference that is not KI-n."""
    return f"{ref[:40]!r} is not a known issue: write KI-3 (or 3)."


def bad_match(text: str, fields: Collection[str]) -> str:
    """A --match rule that cannot be read."""
    return (
        f"{text[:80]!r} is not a match rule: write field=value with a field among "
        f'{either(sorted(fields))}, e.g. --match device_model="PAX A920".'
    )


def no_audience(command: str) -> str:
    """An issue opened without anyone it affects."""
    return (
        f"Say who is affected: --match field=value, --tag tag, or --merchants M-10001,M-10002. "
        f"Nothing was opened. Example: {command}"
    )


def bad_status(status: str, allowed: Collection[str]) -> str:
    """A status that is not part of the flow."""
    return f"{status[:40]!r} is not a status: use {either(list(allowed))}."


def status_unchanged(ref: str, status: str) -> str:
    """Moving an issue to the status it has."""
    return f"{ref} is already {status}; nothing changed."


def status_raced(ref: str) -> str:
    """Someone else changed the status at the same time."""
    return f"{ref} changed status while you were changing it; look at /incidents and try again."


def notify_needs_snippet(ref: str) -> str:
    """/incident notify without --snippet and no linked snippet."""
    return (
        f"{ref} has no linked snippet: add --snippet <key>, e.g. /incident notify {ref} "
        "--snippet outage::card-terminals."
    )


def too_many_to_notify(count: int, limit: int) -> str:
    """More merchants than one notice run takes."""
    return (
        f"{count:,} merchants match, more than one notice run sends ({limit:,}); narrow the rule."
    )


def link_suggestion(incident: Incident, tags: Sequence[str], target: str) -> str:
    """An active issue that concerns a contact's tags, and how to link the contact to it."""
    about = " ".join(f"#{t}" for t in tags)
    return (
        f"{incident.ref} {incident.title} ({incident.status}) concerns {about}: link it with "
        f"/incident link {incident.ref} {target}"
    )


# --- early warnings ----------------------------------------------------------------------------


def _at(moment: datetime) -> str:
    return format_when(moment.isoformat())


def warning_title(ref: str, tag: str | None) -> str:
    """The heading of a warning's channel message."""
    return f":rotating_light: Early warning {ref}" + (f" · #{tag}" if tag else "")


def warning_footer(reports: int, by: str, at: datetime) -> str:
    """Who raised a warning, when, and how many reports it has."""
    count = "1 report" if reports == 1 else f"{reports:,} reports"
    return f'{count} · first by {by} at {_at(at)} · add yours with /warn "..." #tag'


def warning_report_line(by: str, at: datetime) -> str:
    """One of the latest reports of a warning."""
    return f"{by} at {_at(at)}"


def warning_empty() -> str:
    """/warn without what the sender sees."""
    return 'Say what you see, in quotes: /warn "card terminals offline in Bandung" #device/offline.'


def warning_too_long(length: int, limit: int) -> str:
    """/warn with a text over the limit."""
    return (
        f"That warning is {length:,} characters; keep it under {limit:,} (what you see, where, "
        "since when) and put details in a thread."
    )


def warning_bad_tag(word: str) -> str:
    """A second argument of /warn that is not a #tag."""
    return (
        f"{word[:40]!r} is not a tag: write it as #group/name after the quoted text, e.g. "
        '/warn "terminals offline" #device/offline (/tags lists them).'
    )


def warning_posted(ref: str, channel: str, mention: str) -> str:
    """The first report of a warning went out."""
    who = f", mentioning {mention}" if mention else ""
    return f"Posted early warning {ref} to {channel}{who}."


def warning_recorded(ref: str) -> str:
    """The first report of a warning, kept but not posted (the reason follows)."""
    return f"Early warning {ref} is open."


def warning_added(ref: str, at: datetime, reports: int, edited: bool) -> str:
    """A report added to the tag's open warning."""
    shown = " (the message is updated)" if edited else ""
    return f"Added to the warning posted at {_at(at)} ({ref}), now {reports:,} reports{shown}."


def warning_not_posted(channel: str | None) -> str:
    """Why a warning was recorded but did not reach a channel."""
    if channel is None:
        return (
            "It is recorded, but no early-warning channel is configured: set "
            "[knowledge] warning_channel so that warnings reach the stakeholders."
        )
    return (
        f"It is recorded, but it could not be posted to {channel} (no Slack connection here, or "
        "Slack refused it: check the bot is in that channel). Tell the stakeholders directly."
    )


def spike_title(tag: str) -> str:
    """The heading of the bot's own suggestion of a warning."""
    return f":chart_with_upwards_trend: Contacts about #{tag} are rising"


def spike_text(tag: str, count: int, usual: float, now: datetime) -> str:
    """What the bot saw, and the command that raises the warning."""
    return (
        f"{count:,} contacts tagged #{tag} in the hour to {_at(now)}; usually {usual:.1f} at this "
        f'hour of the week. If it is one problem, warn the stakeholders: /warn "..." #{tag}'
    )


# --- the daily share ---------------------------------------------------------------------------


def share_title(day: str) -> str:
    """The heading of the daily share."""
    return f":speech_balloon: A support contact from {day}"


def share_nothing(day: str, repeat_days: int) -> str:
    """No interaction of the day before qualifies."""
    return (
        f"Nothing to share from {day}: no interaction closed that day has a note, is not tagged "
        f"private and is about a merchant not shared in the last {repeat_days} days."
    )


def share_already(ref: str, at: datetime) -> str:
    """Today's share went out before."""
    return f"Today's share ({ref}) was picked at {_at(at)}; one a day."


def share_posted(ref: str, channel: str) -> str:
    """The share went out."""
    return f"Shared {ref} in {channel}."


def share_not_posted(channel: str | None) -> str:
    """The share was picked but reached no channel."""
    if channel is None:
        return (
            "It is recorded but not posted: no share channel is configured ([knowledge] "
            "share_channel), so here it is to pass on."
        )
    return (
        f"It is recorded but could not be posted to {channel} (no Slack connection here, or "
        "Slack refused it); a Slack replica posts it at its next run."
    )


# --- bulk notices (about an issue or a shipped request) --------------------------------------


def nobody_to_notify(ref: str, no_contact: int) -> str:
    """A dry run that finds no merchant ready to notify."""
    missing = f" {no_contact} have no contact on file." if no_contact else ""
    return f"No merchant to notify about {ref}.{missing} Nothing was sent."


def notice_details(
    samples: Sequence[tuple[str, str]],
    no_contact: Sequence[str],
    problems: Sequence[tuple[str, str]],
) -> str:
    """The dry run's body: three rendered samples, who is skipped and who cannot be notified."""
    text = "Samples:\n" + "\n".join(f"• {merchant}: {body}" for merchant, body in samples)
    if no_contact:
        text += f"\nNo contact on file (skipped): {', '.join(no_contact[:20])}"
    if problems:
        text += "\nNot notified: " + "; ".join(f"{m} ({why[:80]})" for m, why in problems[:5])
    return text


def notice_tally(
    ref: str,
    *,
    sent: int,
    failed: int,
    skipped: int,
    already: int,
    in_flight: int,
    failures: Sequence[tuple[str, str]],
) -> str:
    """How a notice run ended."""
    failed_text = (
        "; failures: " + "; ".join(f"{m}: {why[:80]}" for m, why in failures[:5])
        if failures
        else ""
    )
    text = (
        f"{ref}: sent {sent:,}, failed {failed:,}, skipped {skipped:,} (no contact on file), "
        f"already notified {already:,}{failed_text}."
    )
    if in_flight:
        text += (
            f" {in_flight:,} are being sent by another run (or one that stopped under a "
            "minute ago): run it again in a minute to finish them."
        )
    return text


# --- feature requests ------------------------------------------------------------------------


def bad_request_tag(word: str) -> str:
    """A #tag that cannot be one."""
    return (
        f"{word[:40]!r} is not a tag: write # and letters, digits, - _ / or . (up to 60), "
        "e.g. #reports/export."
    )


def two_request_tags(first: str, second: str) -> str:
    """An ask with two different tags."""
    return f"Give one tag for a request, not #{first} and #{second[:40]}; nothing was recorded."


def empty_request() -> str:
    """An ask with no words to record."""
    return (
        "Say what the merchant asked for, e.g. /request M-10001 export transactions to Excel "
        "#reports/export. Nothing was recorded."
    )


def request_too_long(length: int, limit: int) -> str:
    """An ask over the size limit."""
    return f"The request is {length:,} characters; keep it under {limit:,} (a note can hold more)."


def bad_request_ref(ref: str) -> str:
    """A reference that is not R-n."""
    return f"{ref[:40]!r} is not a feature request: write R-4 (or 4). /requests lists them."


def unknown_request(ref: str) -> str:
    """No such feature request."""
    return f"No feature request {ref[:40]}. /requests lists the open ones."


def request_not_open(ref: str, by: str | None, when: str) -> str:
    """Adding to, or shipping, a request that shipped already."""
    return (
        f"{ref} shipped already ({when} by {by or 'someone'}): nothing changed. To tell the "
        f"merchants who asked: /request notify {ref}"
    )


def request_still_open(ref: str) -> str:
    """A notice about a request that has not shipped."""
    return (
        f"{ref} has not shipped yet, so nobody was told anything. When it ships: "
        f"/request shipped {ref}"
    )


def request_raced(ref: str) -> str:
    """Someone else shipped it at the same moment."""
    return f"{ref} was marked shipped by someone else just now; /request show {ref} says by whom."
