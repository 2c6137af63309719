"""What may be shown to whom: a reply as a channel (or a guest) may see it.

One privacy rule everywhere: the core's `mask_reply` (phone numbers and emails masked in every
text, fields marked `personal` hidden). A pick-list's labels and descriptions are texts too, so
they are masked the same way; the commands behind them stay on the server.
"""

from __future__ import annotations

from supportbot.core.masking import mask_reply, mask_text
from supportbot.core.reply import Reply

__all__ = ["for_audience"]


def for_audience(reply: Reply, region: str) -> Reply:
    """`reply` with the personal data that a channel or a guest may not see masked."""
    masked = mask_reply(reply, region)
    if not masked.choices:
        return masked
    choices = [
        choice.model_copy(
            update={
                "label": mask_text(choice.label, region),
                "description": mask_text(choice.description, region)
                if choice.description
                else choice.description,
            }
        )
        for choice in masked.choices
    ]
    return masked.model_copy(update={"choices": choices})
