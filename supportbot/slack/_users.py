"""Who a Slack user is: id, name, email and user groups, fetched once and cached.

Roles can be granted by Slack user id, email or user group, so the core needs all three. A
lookup failure never blocks a command: the user is then known by id (and the name in the
payload) only, and asked about again soon.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from supportbot.core.message import User

__all__ = ["UserDirectory"]

log = logging.getLogger("supportbot.slack.users")


class UserDirectory:
    """Resolves Slack user ids to `User`s through `users.info` and `usergroups.list`, cached.

    A user's groups are given as both the group's handle (`support-weekend`) and its id
    (`S0123ABCD`), so configuration may name either.
    """

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        ttl_s: float = 600.0,
        retry_after_s: float = 30.0,
        timeout_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._ttl_s = ttl_s
        self._retry_after_s = retry_after_s
        self._timeout_s = timeout_s
        self._clock = clock
        self._users: dict[str, tuple[float, User]] = {}
        self._pending: dict[str, asyncio.Future[User]] = {}
        self._groups: dict[str, frozenset[str]] = {}
        self._groups_until = 0.0
        self._groups_enabled = True
        self._groups_lock = asyncio.Lock()

    async def resolve(self, user_id: str, *, fallback_name: str = "") -> User:
        """The user behind `user_id`; never raises, never waits longer than the timeout."""
        cached = self._users.get(user_id)
        now = self._clock()
        if cached is not None and cached[0] > now:
            return cached[1]
        pending = self._pending.get(user_id)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[User] = asyncio.get_running_loop().create_future()
        self._pending[user_id] = future
        try:
            user, ttl = await self._fetch(user_id, fallback_name)
            self._users[user_id] = (self._clock() + ttl, user)
            future.set_result(user)
            return user
        finally:
            del self._pending[user_id]
            if not future.done():
                future.cancel()

    def forget(self, user_id: str | None = None) -> None:
        """Drop the cache for one user, or for everyone (groups too)."""
        if user_id is None:
            self._users.clear()
            self._groups_until = 0.0
        else:
            self._users.pop(user_id, None)

    async def _fetch(self, user_id: str, fallback_name: str) -> tuple[User, float]:
        fallback = User(id=user_id, name=fallback_name)
        try:
            async with asyncio.timeout(self._timeout_s):
                info, groups = await asyncio.gather(
                    self._client.users_info(user=user_id), self._groups_of(user_id)
                )
        except Exception as exc:  # any failure: carry on with what the payload said
            log.warning("could not look up Slack user %s: %r", user_id, exc)
            return fallback, self._retry_after_s
        data: dict[str, Any] = info.get("user") or {}
        profile: dict[str, Any] = data.get("profile") or {}
        name = (
            profile.get("display_name")
            or profile.get("real_name")
            or data.get("real_name")
            or data.get("name")
            or fallback_name
        )
        email = profile.get("email") or None
        return User(id=user_id, name=str(name), email=email, groups=groups), self._ttl_s

    async def _groups_of(self, user_id: str) -> frozenset[str]:
        if not self._groups_enabled:
            return frozenset()
        async with self._groups_lock:
            if self._groups_until <= self._clock():
                await self._load_groups()
        return self._groups.get(user_id, frozenset())

    async def _load_groups(self) -> None:
        try:
            response = await self._client.usergroups_list(include_users=True)
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else None
            if error in ("missing_scope", "not_allowed_token_type", "paid_teams_only"):
                # A workspace without user groups, or an app installed without usergroups:read.
                log.warning(
                    "Slack user groups unavailable (%s); roles by group will not match", error
                )
                self._groups_enabled = False
                return
            raise
        by_user: dict[str, set[str]] = {}
        for group in response.get("usergroups") or []:
            names = {str(group[key]) for key in ("id", "handle") if group.get(key)}
            for member in group.get("users") or []:
                by_user.setdefault(str(member), set()).update(names)
        self._groups = {user: frozenset(names) for user, names in by_user.items()}
        self._groups_until = self._clock() + self._ttl_s
