"""Mask personal data in the answers of people whose roles may not see it.

With `personal_data_roles` set, a user who has none of those roles gets every reply with phone
numbers, emails and fields marked `personal` masked (`0812-••••-7890`), even in a private answer.
Channel-visible output is masked by the adapters whatever this says.
"""

from __future__ import annotations

from collections.abc import Iterable

from supportbot.core.masking import mask_reply
from supportbot.core.reply import Reply
from supportbot.dispatch.chain import Link, Next, Request

__all__ = ["privacy_link"]


def privacy_link(personal_data_roles: Iterable[str], region: str) -> Link[Request]:
    """The link that masks (phone numbers the way `region` writes them) for anyone without one
    of `personal_data_roles`; with none given, everyone sees everything."""
    allowed = frozenset(personal_data_roles)

    async def privacy(request: Request, call_next: Next[Request]) -> Reply:
        """Run the chain; mask the reply when the user may not see personal data."""
        reply = await call_next(request)
        if not allowed or request.roles & allowed:
            return reply
        return mask_reply(reply, region)

    return privacy
