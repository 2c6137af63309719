"""The message shortcut "Look up this customer": the phone numbers, emails and merchant ids in a
message, looked up with `/merchant`, answered to the person who chose it only.

The first thing found is looked up (a message rarely names two customers; the card says which
was used); a message with none gets a note saying what is looked for. The answer is ephemeral
in the message's channel, masked like any answer to that person (a guest gets it masked).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import phonenumbers

from supportbot.core.message import Message
from supportbot.core.reply import Reply

from . import wording as messages
from ._blocks import render_reply
from ._interactions import new_interaction_id
from ._text import unescape_input

if TYPE_CHECKING:
    from ._app import SlackAdapter

__all__ = ["LOG_SHORTCUT", "LOOKUP_SHORTCUT", "customer_references", "run_lookup_shortcut"]

#: The shortcut's callback id (in the manifest and in Slack's payloads).
LOOKUP_SHORTCUT = "supportbot.lookup_customer"
#: "Log this conversation" (`_log_form.py`): a form to log the contact the message is about.
LOG_SHORTCUT = "supportbot.log_conversation"
_MERCHANT = re.compile(r"(?<![\w-])M-?[0-9]{4,9}(?![\w-])", re.ASCII | re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def customer_references(text: str, region: str) -> list[str]:
    """Merchant ids, emails and phone numbers in `text`, in that order, each once."""
    plain = unescape_input(text)[:5000]
    found = [match.group() for match in _MERCHANT.finditer(plain)]
    found += [match.group() for match in _EMAIL.finditer(plain)]
    try:
        matcher = phonenumbers.PhoneNumberMatcher(
            plain, region, leniency=phonenumbers.Leniency.VALID
        )
        found += [match.raw_string for match in matcher]
    except Exception:  # a matcher failure only means no phone numbers found
        pass
    return list(dict.fromkeys(found))


async def run_lookup_shortcut(adapter: SlackAdapter, body: Mapping[str, Any]) -> None:
    """Answer one `message_action` payload of the shortcut."""
    clicker: Mapping[str, Any] = body.get("user") or {}
    channel = str((body.get("channel") or {}).get("id") or "")
    message: Mapping[str, Any] = body.get("message") or {}
    user = await adapter.users.resolve(
        str(clicker.get("id")),
        fallback_name=str(clicker.get("name") or clicker.get("username") or ""),
        team=clicker.get("team_id") if isinstance(clicker.get("team_id"), str) else None,
    )
    found = customer_references(str(message.get("text") or ""), adapter.settings.phone_region)
    if not found:
        reply = Reply(text=messages.slack_no_customer_in_message())
        shown = render_reply(reply)
    else:
        reply = await adapter.bot.handle(
            Message(
                text=f"/merchant {found[0]}",
                user=user,
                adapter="slack",
                channel=channel or None,
                id=str(body.get("trigger_id") or new_interaction_id()),
                channel_limited=True,
            )
        )
        shown = await adapter.prepare(
            reply, user=user, channel=channel, command=f"/merchant {found[0]}", public=False
        )
    if channel:
        await adapter.outbox.post_ephemeral(channel, user.id, shown)
    else:
        await adapter.outbox.post(user.id, shown)
