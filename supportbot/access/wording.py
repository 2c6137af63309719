"""The sentences of access: where an action may run, rate limits, and who may run what in /help."""

from __future__ import annotations

from collections.abc import Sequence

from supportbot.core.wording import either

# --- access: roles, channels, rate limits ----------------------------------------------------


def role_not_configured(
    places: Sequence[str], role: str, configured: Sequence[str], default_role: str
) -> str:
    """Commands (or config keys) name a role the configuration lacks; one sentence for all the
    `places` that name it, so a start reports each missing role once."""
    verb = "names" if len(places) == 1 else "name"
    return (
        f"{'; '.join(places)} {verb} the role {role!r}, which is not configured "
        f"(configured: {', '.join(configured) or 'none'}; everyone has {default_role!r}). "
        f"Add [roles.{role}] with its members to config/supportbot.toml, or fix the name."
    )


def wrong_channel(command: str, places: Sequence[str]) -> str:
    """An action asked for in a Slack channel where it may not run."""
    return (
        f"/{command} can only be run in {either(places)}, not here. Nothing was done; "
        "run it again there."
    )


def times(count: int) -> str:
    """1 -> 'once', 2 -> 'twice', 20 -> '20 times'."""
    return {1: "once", 2: "twice"}.get(count, f"{count:,} times")


def rate_limited(command: str, count: int, limit: int, window: str, again_at: str) -> str:
    """A user reached a command's rate limit. `window` is 'hour', '30 minutes'; `again_at`
    is '15:04 UTC' (or a date and time when it is not today)."""
    reached = "its limit" if count <= limit else f"over its limit of {limit:,}"
    return (
        f"You have run /{command} {times(count)} in the last {window}, {reached}. "
        f"You can run it again at {again_at}; ask a lead if a customer cannot wait."
    )


def invalid_rate_limit(text: str) -> str:
    """A rate limit in the code or the configuration that cannot be read."""
    shown = text if len(text) <= 40 else text[:40] + "…"
    return (
        f"{shown!r} is not a rate limit: write runs/period, e.g. 20/hour, 5/minute, 100/day "
        "or 3/30m (a count from 1 to 1,000,000; periods up to 31 days), or off for none."
    )


def help_approval(role: str) -> str:
    """/help <command>: every run waits for an approver."""
    return f"each run waits until someone with the {role} role, other than you, approves it"


def help_channels(places: Sequence[str]) -> str:
    """/help <command>: the Slack channels where an action may run."""
    return f"in Slack only in {either(places)}"


def help_rate_limit(runs: int, window: str) -> str:
    """/help <command>: a rate limit, e.g. 'at most 20 runs per person per hour'."""
    return f"at most {runs:,} run{'s' if runs != 1 else ''} per person per {window}"


def help_not_allowed(command: str, roles: Sequence[str], how: str) -> str:
    """/help <command> for someone whose roles do not allow it: who may, and how to get access."""
    if not roles:
        return f"No one can run /{command} at the moment: no role is given it. {how}".strip()
    who = either(roles)
    return f"You cannot run /{command}: it is for people with the {who} role. {how}".strip()
