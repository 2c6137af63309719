"""Approval requests that reach approvers: where they go, what they say, and what happens when
they cannot be posted.

After the requester confirms an action that needs approval, the request goes to
`[slack] approvals_channel` when one is set (checked at start and by the doctor), or else by DM
to each member of the approving role that Slack knows (`slack:`, `email:` and `group:` members).
The post says what is to be approved (the command, merchant, amount or target, masked), who
asked, and until when. If it reaches nobody, the request is withdrawn at once and the requester
is told why: no request waits where no approver can see it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from supportbot.access.roles import member_kind
from supportbot.core.message import User
from supportbot.core.reply import Outcome, Reply

from . import wording as messages
from ._interactions import Interaction
from ._payloads import typed_command_name
from ._settings import slack_settings

if TYPE_CHECKING:
    from ._app import SlackAdapter

__all__ = ["MAX_APPROVER_DMS", "ApprovalRouter", "approvals_channel_problem"]

log = logging.getLogger("supportbot.slack.approvals")

#: Approvers told by DM at most (a role of a hundred should have an approvals channel).
MAX_APPROVER_DMS = 25


async def approvals_channel_problem(client: AsyncWebClient, channel: str) -> str | None:
    """Why the bot could not post in `channel` (None: it can). A public channel takes the
    bot's posts without it joining (`chat:write.public`); a private one needs it as a member."""
    try:
        response = await client.conversations_info(channel=channel)
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else None
        return str(error or exc)
    except Exception as exc:  # Slack unreachable: say so, the start goes on
        return type(exc).__name__
    info: Mapping[str, Any] = response.get("channel") or {}
    if info.get("is_archived"):
        return "is_archived"
    if info.get("is_private") and not info.get("is_member"):
        return "not_in_channel"
    return None


class ApprovalRouter:
    """Posts one confirmed request where its approvers will see it, for a `SlackAdapter`."""

    def __init__(self, adapter: SlackAdapter) -> None:
        self._adapter = adapter

    async def route(self, interaction: Interaction, reply: Reply, requester: User) -> str | None:
        """Post the request; None when it reached someone, else the sentence for the requester
        (the request then is withdrawn)."""
        adapter = self._adapter
        token = next((b.value for b in reply.buttons if b.action == "approve"), None)
        if token is None:
            return None
        spec = adapter.bot.registry.get(typed_command_name(interaction.command))
        role = (spec.approval if spec is not None else None) or "?"
        channel = slack_settings(adapter.settings).approvals_channel
        targets = [channel] if channel else await self.approvers(role, exclude=requester.id)
        delivered = False
        if targets:
            message = await adapter.prepare(
                self._request(interaction, reply, requester, role),
                user=requester,
                channel=channel or interaction.channel,
                command=interaction.command,
                public=True,
            )
            posted = await asyncio.gather(*(adapter.outbox.post(t, message) for t in targets))
            delivered = any(ts is not None for ts in posted)
        if delivered:
            return None
        if channel:
            where = f"<#{channel}>"
            why = await approvals_channel_problem(adapter.client, channel) or "the post failed"
        else:
            where = "any approver"
            why = "every DM failed" if targets else messages.slack_no_approvers(role)
        log.warning("approval request for %s reached nobody: %s", interaction.command, why)
        await adapter.bot.actions.cancel(
            token, requester, adapter="slack", channel=interaction.channel
        )
        return messages.slack_approval_not_delivered(where, why)

    def _request(self, interaction: Interaction, reply: Reply, requester: User, role: str) -> Reply:
        ttl_s = self._adapter.settings.confirm_ttl_s
        expires = time.strftime("%H:%M UTC", time.gmtime(time.time() + ttl_s))
        text = messages.slack_approval_request(
            interaction.command, requester.display, role, expires
        )
        buttons = [b for b in reply.buttons if b.action in ("approve", "reject")]
        return Reply(text=text, buttons=buttons, outcome=Outcome.PENDING)

    async def approvers(self, role: str, *, exclude: str) -> list[str]:
        """The Slack user ids of the role's members that Slack knows, the requester left out."""
        settings = self._adapter.settings.roles.get(role)
        if settings is None:
            return []
        client = self._adapter.client
        found: list[str] = []
        for member in settings.members:
            kind, value, _ = member_kind(member)
            try:
                found += await _slack_ids(client, kind, value)
            except Exception as exc:  # one member Slack cannot resolve; the others may do
                log.warning("could not find approver %r in Slack: %s", member, _error(exc))
        unique = [uid for uid in dict.fromkeys(found) if uid != exclude]
        return unique[:MAX_APPROVER_DMS]


async def _slack_ids(client: AsyncWebClient, kind: str, value: str) -> list[str]:
    if kind == "slack":
        return [value]
    if kind == "email":
        response = await client.users_lookupByEmail(email=value)
        user = response.get("user") or {}
        return [str(user["id"])] if user.get("id") else []
    if kind == "group":
        group = value.lstrip("@")
        if not (group[:1] == "S" and group.isupper()):
            listed = await client.usergroups_list()
            ids = [g["id"] for g in listed.get("usergroups") or [] if g.get("handle") == group]
            if not ids:
                return []
            group = str(ids[0])
        response = await client.usergroups_users_list(usergroup=group)
        return [str(user) for user in response.get("users") or []]
    return []  # a terminal login has no Slack account


def _error(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError) and exc.response is not None:
        return str(exc.response.get("error") or exc)
    return type(exc).__name__
