"""Who a Slack user is: id, name, email, user groups, and whether the workspace vouches for them.

Roles can be granted by Slack user id, email or user group, so the core needs all three. The
profile (`users.info`) and the groups (`usergroups.list`) are fetched separately, each with its
own timeout, and a failure of one never throws away the other:

- any `usergroups.*` failure (a free plan's `plan_upgrade_required`, a missing scope, a
  timeout) means "no groups", and the next try waits, longer each time;
- a profile that cannot be had (unknown user, Slack down) makes the user a guest (`User.guest`),
  asked about again soon: someone the bot cannot vouch for gets `guest_role` only, and no
  personal data;
- guests (`is_restricted`, `is_ultra_restricted`) and users of another team (Slack Connect, or
  a payload whose `user_team` is not this workspace) are guests too.

Both caches are dropped by the events that change them (`user_change`, `team_join`,
`subteam_members_changed`: see `forget` and `groups_changed`), so a removed lead loses the
role at once rather than after the cache's time.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from supportbot.core.message import User

__all__ = ["UserDirectory", "follow_changes"]

log = logging.getLogger("supportbot.slack.users")

#: `usergroups.*` errors that will not change by asking again soon (a plan, a scope, a token).
LASTING_GROUP_ERRORS = frozenset(
    {
        "missing_scope",
        "not_allowed_token_type",
        "paid_teams_only",
        "plan_upgrade_required",
        "team_is_restricted",
        "invalid_auth",
        "account_inactive",
    }
)


class _Backoff:
    """When to try again after failures: `first_s`, doubling, at most `most_s`."""

    def __init__(self, first_s: float, most_s: float, clock: Callable[[], float]) -> None:
        self._first_s, self._most_s, self._clock = first_s, most_s, clock
        self._wait_s = 0.0
        self.until = 0.0

    def failed(self, *, lasting: bool = False) -> float:
        self._wait_s = (
            self._most_s if lasting else min(self._most_s, self._wait_s * 2 or self._first_s)
        )
        self.until = self._clock() + self._wait_s
        return self._wait_s

    def succeeded(self) -> None:
        self._wait_s = 0.0
        self.until = 0.0

    @property
    def waiting(self) -> bool:
        return self._clock() < self.until


class UserDirectory:
    """Resolves Slack user ids to `User`s through `users.info` and `usergroups.list`, cached.

    A user's groups are given as both the group's handle (`support-weekend`) and its id
    (`S0123ABCD`), so configuration may name either. `home_team` is this workspace's team id
    (auth.test's); users of another team are guests.
    """

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        home_team: str | None = None,
        home_enterprise: str | None = None,
        ttl_s: float = 600.0,
        retry_after_s: float = 30.0,
        timeout_s: float = 2.0,
        groups_timeout_s: float = 3.0,
        groups_backoff_s: tuple[float, float] = (30.0, 3600.0),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._home_team = home_team
        self._home_enterprise = home_enterprise
        self._ttl_s = ttl_s
        self._retry_after_s = retry_after_s
        self._timeout_s = timeout_s
        self._groups_timeout_s = groups_timeout_s
        self._clock = clock
        self._users: dict[str, tuple[float, User]] = {}
        self._pending: dict[str, asyncio.Future[User]] = {}
        self._groups: dict[str, frozenset[str]] = {}
        self._groups_until = 0.0
        self._groups_backoff = _Backoff(*groups_backoff_s, clock)
        self._groups_lock = asyncio.Lock()

    async def resolve(
        self, user_id: str, *, fallback_name: str = "", team: str | None = None
    ) -> User:
        """The user behind `user_id`; never raises, never waits longer than the timeouts.

        `team` is the team the payload says the user belongs to (`user_team`, `user.team_id`),
        when it says so.
        """
        profile, groups = await asyncio.gather(
            self._profile(user_id, fallback_name), self._groups_of(user_id)
        )
        foreign = bool(team and self._home_team and team != self._home_team)
        if profile.guest or foreign:
            # A guest's groups grant nothing: an outsider may be in a group by mistake.
            return replace(profile, guest=True, groups=frozenset())
        return replace(profile, groups=groups)

    def forget(self, user_id: str | None = None) -> None:
        """Drop the cache for one user (`user_change`, `team_join`), or for everyone."""
        if user_id is None:
            self._users.clear()
            self.groups_changed()
        else:
            self._users.pop(user_id, None)

    def groups_changed(self) -> None:
        """A user group's members changed (`subteam_members_changed`): ask again next time."""
        self._groups_until = 0.0
        self._groups_backoff.succeeded()

    # --- the profile ------------------------------------------------------------------------

    async def _profile(self, user_id: str, fallback_name: str) -> User:
        cached = self._users.get(user_id)
        if cached is not None and cached[0] > self._clock():
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

    async def _fetch(self, user_id: str, fallback_name: str) -> tuple[User, float]:
        # Unknown is not trusted: a user Slack will not describe is a guest until it does.
        unknown = User(id=user_id, name=fallback_name, guest=True)
        try:
            async with asyncio.timeout(self._timeout_s):
                info = await self._client.users_info(user=user_id)
        except SlackApiError as exc:
            error = exc.response.get("error") if exc.response is not None else None
            log.warning("Slack could not describe user %s (%s); treated as a guest", user_id, error)
            return unknown, self._retry_after_s
        except Exception as exc:  # any failure: carry on with what the payload said
            log.warning(
                "could not look up Slack user %s (%s); treated as a guest", user_id, _why(exc)
            )
            return unknown, self._retry_after_s
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
        return User(
            id=user_id, name=str(name), email=email, guest=self._is_guest(data)
        ), self._ttl_s

    def _is_guest(self, data: dict[str, Any]) -> bool:
        if data.get("is_restricted") or data.get("is_ultra_restricted") or data.get("deleted"):
            return True
        if data.get("is_stranger"):
            return True
        team = data.get("team_id")
        if self._home_team and team and team != self._home_team:
            # Enterprise Grid: a user of another workspace of the same organisation is no
            # outsider.
            enterprise = (data.get("enterprise_user") or {}).get("enterprise_id")
            return not (self._home_enterprise and enterprise == self._home_enterprise)
        return False

    # --- the groups -------------------------------------------------------------------------

    async def _groups_of(self, user_id: str) -> frozenset[str]:
        async with self._groups_lock:
            if self._groups_until <= self._clock() and not self._groups_backoff.waiting:
                await self._load_groups()
        return self._groups.get(user_id, frozenset())

    async def _load_groups(self) -> None:
        try:
            async with asyncio.timeout(self._groups_timeout_s):
                response = await self._client.usergroups_list(include_users=True)
        except Exception as exc:
            error = _api_error(exc)
            wait_s = self._groups_backoff.failed(lasting=error in LASTING_GROUP_ERRORS)
            log.warning(
                "Slack user groups unavailable (%s); roles by group will not match for %.0f s",
                error or _why(exc),
                wait_s,
            )
            self._groups = {}
            return
        by_user: dict[str, set[str]] = {}
        for group in response.get("usergroups") or []:
            names = {str(group[key]) for key in ("id", "handle") if group.get(key)}
            for member in group.get("users") or []:
                by_user.setdefault(str(member), set()).update(names)
        self._groups = {user: frozenset(names) for user, names in by_user.items()}
        self._groups_until = self._clock() + self._ttl_s
        self._groups_backoff.succeeded()


def _api_error(exc: BaseException) -> str | None:
    if isinstance(exc, SlackApiError) and exc.response is not None:
        error = exc.response.get("error")
        return str(error) if error else None
    return None


def _why(exc: BaseException) -> str:
    return type(exc).__name__ if isinstance(exc, TimeoutError) else repr(exc)


def follow_changes(app: AsyncApp, users: UserDirectory) -> None:
    """Listen on `app` for what changes who someone is: their cached profile and groups in
    `users` are dropped at once (`user_change`, `team_join`, `subteam_members_changed`)."""

    async def user_changed(ack: AsyncAck, event: dict[str, Any]) -> None:
        await ack()
        changed = event.get("user")
        user_id = changed.get("id") if isinstance(changed, dict) else changed
        if isinstance(user_id, str) and user_id:
            users.forget(user_id)

    async def groups_changed(ack: AsyncAck) -> None:
        await ack()
        users.groups_changed()

    app.event("user_change")(user_changed)
    app.event("team_join")(user_changed)
    app.event("subteam_members_changed")(groups_changed)
