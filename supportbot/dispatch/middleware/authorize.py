"""Refuse a command the user's roles do not allow, and an action asked for in the wrong channel.

It runs after `resolve` (the command is known) and before `validate`, so someone who may not
run a command is told so rather than taught its usage, and before anything is asked or changed,
so a refusal costs nothing but its audit record (outcome "denied").

Where an action may run: the command's `channels=`, else `action_channels`; empty or unset:
anywhere. Only messages whose adapter knows their channel are limited (`Message.channel_limited`:
Slack's; the terminal and tests run anywhere). Entries are
Slack channel ids (`C0123ABCD`, from the channel's details), compared with the id the message
came from. A Message carries no channel name, so a `#name` entry cannot be checked: it never
matches, and `supportbot.access.roles.check_channels` reports it at start.
"""

from __future__ import annotations

from supportbot.access import wording as messages
from supportbot.access.roles import (
    action_channels_for,
    allowed_roles,
    channel_allowed,
)
from supportbot.core.errors import NotAllowed
from supportbot.core.reply import Outcome, Reply
from supportbot.core.settings import Settings
from supportbot.dispatch.chain import Link, Next, ResolvedRequest

__all__ = ["authorize_link"]


def authorize_link(settings: Settings) -> Link[ResolvedRequest]:
    """The link that applies the roles, `command_roles`, `action_channels` and `access_help`
    of `settings`."""

    async def authorize(request: ResolvedRequest, call_next: Next[ResolvedRequest]) -> Reply:
        """Raise NotAllowed for a user with no allowed role; refuse an action outside its
        channels."""
        spec = request.spec
        allowed = allowed_roles(spec, settings)
        if allowed is not None and allowed.isdisjoint(request.roles):
            raise NotAllowed(spec.name, sorted(allowed), settings.access_help)
        message = request.message
        if message.channel_limited:
            places = action_channels_for(spec, settings)
            if not channel_allowed(message.channel, places):
                text = messages.wrong_channel(spec.name, list(places))
                return Reply(outcome=Outcome.DENIED, text=text)
        return await call_next(request)

    return authorize
