"""Pending actions waiting for the requester's confirmation.

An action command first answers with a prompt and a token; only the same user, before the
expiry, can turn that token into the action. The token doubles as the action's idempotency key.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from . import _messages as messages
from ._errors import SupportbotError

__all__ = ["ConfirmationBook", "ConfirmationError", "PendingAction"]


class ConfirmationError(SupportbotError):
    """A confirmation that cannot be used: unknown, expired, or someone else's."""


@dataclass(frozen=True)
class PendingAction:
    """An action command, validated and waiting for its requester's yes."""

    token: str
    user_id: str
    command: str
    text: str
    prompt: str
    expires_at: datetime


class ConfirmationBook:
    """Pending confirmations of one process, keyed by token."""

    def __init__(self, ttl_s: float = 300.0) -> None:
        self.ttl_s = ttl_s
        self._pending: dict[str, PendingAction] = {}

    def create(self, *, user_id: str, command: str, text: str, prompt: str) -> PendingAction:
        """Record a new pending action and return it."""
        self._drop_expired()
        pending = PendingAction(
            token=secrets.token_urlsafe(12),
            user_id=user_id,
            command=command,
            text=text,
            prompt=prompt,
            expires_at=datetime.now(UTC) + timedelta(seconds=self.ttl_s),
        )
        self._pending[pending.token] = pending
        return pending

    def take(self, token: str, user_id: str) -> PendingAction:
        """Use a confirmation once. Raises ConfirmationError saying why it cannot be used."""
        pending = self._pending.get(token)
        if pending is None:
            raise ConfirmationError("unknown token", user_message=messages.confirmation_unknown())
        if pending.user_id != user_id:
            raise ConfirmationError(
                "confirmation by another user",
                user_message=messages.confirmation_not_yours(pending.command),
            )
        del self._pending[token]
        if pending.expires_at <= datetime.now(UTC):
            raise ConfirmationError(
                "confirmation expired", user_message=messages.confirmation_expired(pending.command)
            )
        return pending

    def _drop_expired(self) -> None:
        now = datetime.now(UTC)
        for token in [t for t, p in self._pending.items() if p.expires_at <= now]:
            del self._pending[token]
