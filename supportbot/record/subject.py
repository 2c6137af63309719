"""What a note, a tag or a timeline event is about: a merchant, or one interaction."""

from __future__ import annotations

from dataclasses import dataclass

from supportbot.storage import Interaction

__all__ = ["Subject"]


@dataclass(frozen=True)
class Subject:
    """What a note or a tag is about: a merchant, or one interaction (and its merchant)."""

    merchant_id: str | None
    interaction: Interaction | None = None

    @property
    def timeline_key(self) -> str:
        """The timeline the subject's events go on (an unknown contact has its own)."""
        if self.merchant_id:
            return self.merchant_id
        assert self.interaction is not None
        return f"unknown:{self.interaction.ref}"

    @property
    def interaction_ref(self) -> str | None:
        """The interaction's id, when the subject is one."""
        return self.interaction.ref if self.interaction is not None else None
