"""`@supportbot log` in a thread logs that thread's contact.

Slash commands do not work inside threads, so a mention does it there. A mention in a thread
that is `log` without a customer (`@supportbot log #settlement/delayed asked twice`), or the
bare mention alone, reads the thread (`conversations.replies`) and logs the first phone
number, email or merchant id its messages name, the thread's first message first; the link to
the thread goes with it. A mention that names the customer is logged as typed, the thread's
link added. Everything else in a thread runs as any mention does.

The rewritten text is a plain `/log` command line, so it runs the whole chain like a typed one.
"""

from __future__ import annotations

import logging
import shlex
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_sdk.errors import SlackApiError

from supportbot.core.errors import UsageError
from supportbot.core.parsing import ConvertContext, parse_command
from supportbot.core.reply import Reply

from . import wording as messages
from ._blocks import render_reply
from ._log_form import message_link
from ._modals import api_error, why_slack_refused
from ._shortcut import customer_references

if TYPE_CHECKING:
    from ._app import SlackAdapter

__all__ = ["THREAD_MESSAGES", "thread_log_text"]

log = logging.getLogger("supportbot.slack.thread_log")

#: How many of a thread's messages are read for a customer (the first ones name them).
THREAD_MESSAGES = 50


async def _thread_references(
    adapter: SlackAdapter, channel: str, thread_ts: str
) -> list[str] | Reply:
    try:
        response = await adapter.client.conversations_replies(
            channel=channel, ts=thread_ts, limit=THREAD_MESSAGES
        )
    except (SlackApiError, aiohttp.ClientError, TimeoutError, OSError) as exc:
        log.warning("could not read the thread %s in %s: %s", thread_ts, channel, api_error(exc))
        return Reply(text=messages.slack_thread_unreadable(why_slack_refused(exc)))
    found: list[str] = []
    region = adapter.settings.phone_region
    bot = adapter.identity.bot_user_id
    for message in response.get("messages") or []:
        if not isinstance(message, Mapping) or message.get("bot_id") or message.get("user") == bot:
            continue  # the bot's own cards name customers too, masked
        found += customer_references(str(message.get("text") or ""), region)
    return list(dict.fromkeys(found))


def _names_customer(word: str, convert_customer: Any, convert: ConvertContext) -> bool:
    """Whether the first word is the customer: a valid one, or digits (a phone number typed
    in groups, `+62 812 …`, which `/log` itself joins and checks)."""
    if word[:1].isdigit() or word[:1] in "+(":
        return True
    if word.startswith(("#", "-", "—")):
        return False
    try:
        convert_customer(word, convert)
    except ValueError:
        return False
    return True


async def thread_log_text(
    adapter: SlackAdapter, event: Mapping[str, Any], text: str, user_id: str
) -> str | None:
    """`text` of a mention in a thread, as the `/log` line it stands for (or unchanged when it
    is no thread log); None once `user_id` was told the thread names no customer or could not
    be read."""
    logged = await _log_line(adapter, event, text)
    if isinstance(logged, Reply):
        message = render_reply(adapter.names.reply(logged))
        channel, thread = str(event.get("channel")), str(event.get("thread_ts"))
        if not await adapter.outbox.post_ephemeral(channel, user_id, message, thread_ts=thread):
            await adapter.outbox.post(user_id, message)  # a channel the bot cannot see: the DM
        return None
    return logged


async def _log_line(adapter: SlackAdapter, event: Mapping[str, Any], text: str) -> str | Reply:
    thread = event.get("thread_ts")
    channel = str(event.get("channel") or "")
    if not isinstance(thread, str) or not thread or not channel:
        return text
    spec = adapter.bot.registry.get("log")
    if spec is None or not spec.params:
        return text
    bare = not text.strip().lstrip("/").strip()
    try:
        parsed = parse_command(text) if not bare else None
    except UsageError:
        return text
    if parsed is not None and adapter.bot.registry.get(parsed.name) is not spec:
        return text
    link = "--link=" + shlex.quote(message_link(adapter.identity.url, channel, thread, None))
    raw = parsed.raw_args if parsed is not None else ""
    if parsed is not None and any(t.text.startswith("--link") for t in parsed.tokens):
        link = ""
    convert = ConvertContext(phone_region=adapter.settings.phone_region)
    first = parsed.tokens[0] if parsed is not None and parsed.tokens else None
    if first is not None and _names_customer(first.text, spec.params[0].argtype.convert, convert):
        return f"/{spec.name} {link} {raw}".strip()  # the customer is named: as typed
    found = await _thread_references(adapter, channel, thread)
    if isinstance(found, Reply):
        return found
    if not found:
        return Reply(text=messages.slack_thread_has_no_customer())
    who = shlex.quote(found[0])
    return " ".join(part for part in (f"/{spec.name}", link, who, raw) if part)
