"""Mask personal data in the answers of people whose roles may not see it.

With `personal_data_roles` set, a user who has none of those roles gets every reply with phone
numbers, emails and fields marked `personal` masked (`0812-••••-7890`), even in a private answer.
Channel-visible output is masked by the adapters whatever this says.
"""

from __future__ import annotations

from supportbot.core.masking import mask_reply
from supportbot.core.reply import Reply
from supportbot.dispatch.chain import Next, Request


async def privacy(request: Request, call_next: Next) -> Reply:
    """Run the chain; mask the reply when the user may not see personal data."""
    reply = await call_next(request)
    settings = request.bot.settings
    allowed = settings.personal_data_roles
    if not allowed or request.roles & set(allowed):
        return reply
    return mask_reply(reply, settings.phone_region)
