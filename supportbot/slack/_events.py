"""An @mention in a channel or a message in the bot's DM, answered: in the mention's thread
when the answer is public, to the person only when not, with "Looking up …" first when the
answer takes longer than `PROGRESS_AFTER_S`. A mention in a thread may log the thread's
contact (`_thread_log.py`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from supportbot.core.message import Message
from supportbot.core.reply import Reply

from ._ack import progress
from ._blocks import render_reply
from ._interactions import new_interaction_id
from ._payloads import event_text, text_or_none, typed_command_name
from ._thread_log import thread_log_text

if TYPE_CHECKING:
    from ._app import SlackAdapter

__all__ = ["PROGRESS_AFTER_S", "answer_event"]

#: An answer to an @mention or a DM that takes longer than this first gets "Looking up …".
PROGRESS_AFTER_S = 1.0


async def answer_event(
    adapter: SlackAdapter, body: Mapping[str, Any], event: Mapping[str, Any], *, direct: bool
) -> None:
    """Run the command an `app_mention` (or, `direct`, a DM `message`) event asks for."""
    text = event_text(event, adapter.identity.bot_user_id, adapter.prefix)
    user = await adapter.users.resolve(
        str(event.get("user")), team=text_or_none(event.get("user_team"))
    )
    channel = str(event.get("channel"))
    thread = event.get("thread_ts")
    if thread and not direct:  # a mention in a thread may log the thread's contact
        logged = await thread_log_text(adapter, event, text, user.id)
        if logged is None:  # answered already (the thread names no customer)
            return
        text = logged
    request = Message(
        text=text,
        user=user,
        adapter="slack",
        channel=channel,
        channel_limited=True,
        id=str(body.get("event_id") or new_interaction_id()),
    )
    running = asyncio.ensure_future(adapter.bot.handle(request))
    done, _ = await asyncio.wait({running}, timeout=PROGRESS_AFTER_S)
    public = direct or adapter.is_public(text, None)
    # In a channel a visible answer goes in the thread of the mention, keeping it tidy.
    reply_thread = thread if direct or not public else (thread or event.get("ts"))
    notice_ts: str | None = None
    outbox = adapter.outbox
    if not done:
        spec = adapter.bot.registry.get(typed_command_name(text))
        doing = progress(text, spec, adapter.settings.phone_region)
        notice = render_reply(Reply(text=adapter.names.rewrite(doing)))
        if public:
            notice_ts = await outbox.post(channel, notice, thread_ts=reply_thread)
        else:
            await outbox.post_ephemeral(channel, user.id, notice, thread_ts=thread)
    reply = await running
    public = direct or adapter.is_public(text, reply)
    message = await adapter.prepare(
        reply, user=user, channel=channel, command=text, public=public, shareable_=not direct
    )
    if not public:
        await outbox.post_ephemeral(channel, user.id, message, thread_ts=thread)
    elif notice_ts is not None and await outbox.update(channel, notice_ts, message):
        return
    else:
        await outbox.post(channel, message, thread_ts=reply_thread)
