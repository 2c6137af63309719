"""What the web pages (the dashboard, its sign-in) say: every sentence in one place."""

from __future__ import annotations

__all__ = [
    "csv_link",
    "dashboard_serving",
    "dashboard_token_missing",
    "no_rows",
    "page_subtitle",
    "page_title",
    "sign_in_button",
    "sign_in_help",
    "sign_in_title",
    "skip_link",
    "token_label",
    "unknown_export",
    "wrong_token",
]


def page_title() -> str:
    """The dashboard's title."""
    return "Support dashboard"


def page_subtitle(when: str, zone: str) -> str:
    """Under the title: when, and what the page is."""
    return (
        f"Numbers as of {when} ({zone}). Read-only; phone numbers and emails are always masked. "
        "Durations are medians (p50) and 90th/95th percentiles, never means."
    )


def skip_link() -> str:
    """The first link of the page, for keyboards and screen readers."""
    return "Skip to the numbers"


def no_rows() -> str:
    """An empty table."""
    return "Nothing in this period yet."


def csv_link(title: str) -> str:
    """The export link under a table."""
    return f"{title}: download the table as CSV"


def unknown_export(name: str) -> str:
    """A CSV or chart that does not exist."""
    return f"There is no table or chart called {name!r} on the dashboard."


def sign_in_title() -> str:
    """The sign-in page's title."""
    return "Sign in to the support dashboard"


def sign_in_help() -> str:
    """What to type, and where it comes from."""
    return (
        "Type the dashboard token: the value of SUPPORTBOT_DASHBOARD_TOKEN where the bot runs "
        "(ask whoever runs the bot). Scripts can send it as a bearer token instead."
    )


def token_label() -> str:
    """The token field's label."""
    return "Dashboard token"


def sign_in_button() -> str:
    """The sign-in button."""
    return "Sign in"


def wrong_token() -> str:
    """A token that does not match."""
    return "That token is not the dashboard's. Check SUPPORTBOT_DASHBOARD_TOKEN and try again."


def dashboard_token_missing() -> str:
    """The dashboard asked for without a token to protect it."""
    return (
        "The dashboard needs a sign-in token: set SUPPORTBOT_DASHBOARD_TOKEN to a long random "
        "value (e.g. `openssl rand -hex 24`), or use `supportbot dashboard --demo`, which makes "
        "one up and prints it."
    )


def dashboard_serving(url: str) -> str:
    """Where the dashboard is served."""
    return f"dashboard at {url} (sign in with SUPPORTBOT_DASHBOARD_TOKEN)"
