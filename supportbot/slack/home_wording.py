"""Every sentence of the App Home tab (`_home.py`): its headline numbers, the approvals waiting,
the open interaction and the known issues."""

from __future__ import annotations


def home_title() -> str:
    """The header of the Home tab."""
    return "Support today"


def home_updated(when: str) -> str:
    """Under the header: when the numbers were read."""
    return f"Updated {when} · refreshed each time you open this tab · personal data masked"


def home_headline(label: str, value: str) -> str:
    """One headline number."""
    return f"*{label}*\n{value}"


def home_approvals_title(count: int) -> str:
    """The header of the approvals part."""
    return f"Waiting for your approval ({count})"


def home_no_approvals() -> str:
    """Nothing waits for this person's approval."""
    return "Nothing waits for your approval."


def home_approval_line(command: str, requester: str, until: str, prompt: str) -> str:
    """One request waiting for approval."""
    return f"{command} for {requester}, open until {until}: {prompt}"


def home_approvals_how(approve: str, reject: str) -> str:
    """How to act on a waiting request."""
    return f"Approve with the button in the request, or {approve} <id> / {reject} <id>."


def home_interaction_title() -> str:
    """The header of the open-interaction part."""
    return "Your open interaction"


def home_no_interaction(log: str) -> str:
    """The person has no open interaction."""
    return f"None open. Start one with {log} <phone|email|merchant id>, or the message shortcut."


def home_interaction_line(ref: str, customer: str, channel: str, since: str, done: str) -> str:
    """The person's open interaction."""
    return f"{ref} · {customer} · {channel} · open since {since}. Close it with {done}."


def home_issues_title(count: int) -> str:
    """The header of the known-issues part."""
    return f"Active known issues ({count})"


def home_no_issues() -> str:
    """No known issue is active."""
    return "No known issue is active."


def home_no_database() -> str:
    """The bot runs without a database: the Home tab has nothing to read."""
    return "This bot runs without a database, so there are no numbers to show here."


def home_part_failed(part: str) -> str:
    """One part of the Home tab could not be read."""
    return f"Could not read {part} just now; open the tab again in a minute."
