"""A local fake of Slack: the Web API, `response_url`s and the Socket Mode WebSocket.

It runs on 127.0.0.1, records every call, and rejects what real Slack rejects in a message
(invalid blocks, more than 50 blocks, too many characters), so a test fails where Slack would.

It also behaves as real Slack does where that surprises:

- `rate_limit(method, times, retry_after_s)` answers the next calls with HTTP 429 and a
  `Retry-After` header (`fail_next(..., status=500)` a server error);
- `free_plan = True` answers every `usergroups.*` call with `plan_upgrade_required`;
- `add_user(..., restricted=True, team=...)` makes guests and users of another team;
- a slash command's `response_url` (`new_response_url()`) does not take `replace_original`:
  the post appears as a message of its own beside the ack, as in Slack, and the fake records
  the problem `replace_original_ignored`. A message's (`new_response_url("message")`, what a
  click carries) replaces the message;
- `join(channel)`/`private(channel)`: the bot posts only in public channels or ones it is in
  (`not_in_channel`, `channel_not_found`); `conversations.open` gives a DM channel `D…`;
- `views.open` and `views.publish` check views as Slack does (`_fake_views.py`), and
  `conversations.replies` reads back the threads a test `add_thread`s.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

from ._fake_checks import message_problem
from ._fake_files import FakeFiles
from ._fake_payloads import APP_ID, TEAM_ID
from ._fake_views import FakeViews

__all__ = ["ApiCall", "FakeSlack", "ResponsePost", "SocketAck", "message_problem"]


@dataclass(frozen=True)
class ApiCall:
    """One Web API call the bot made: method, arguments (query, form and JSON merged), token."""

    method: str
    args: dict[str, Any]
    token: str | None
    at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class ResponsePost:
    """One post to a `response_url`."""

    url: str
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


@dataclass
class _Failure:
    """Answers for the next calls of one method instead of the real answer."""

    times: int
    status: int
    retry_after_s: int | None = None


@dataclass(frozen=True)
class SocketAck:
    """The bot's acknowledgement of one Socket Mode envelope."""

    envelope_id: str
    payload: dict[str, Any] | None
    at: float = field(default_factory=time.monotonic)


class FakeSlack(FakeFiles, FakeViews):
    """Slack on 127.0.0.1 for tests and local runs. Start it with `FakeSlack.start()`.

    Point the bot at `api_url` (`api_url` of the `[slack]` table). `calls`, `responses` and `acks`
    record what the bot sent; `problems` what real Slack would have refused.
    """

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-1-fake-bot-token",
        app_token: str = "xapp-1-A0FAKE-1-fake-app-token",
        bot_user_id: str = "U0BOT",
        team: str = "Fake Team",
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.bot_user_id = bot_user_id
        self.team = team
        self.base_url = ""
        self.calls: list[ApiCall] = []
        self.responses: list[ResponsePost] = []
        self.acks: list[SocketAck] = []
        self.problems: list[tuple[str, str]] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.groups: list[dict[str, Any]] = []
        #: Answer `usergroups.*` as a free workspace does (`plan_upgrade_required`).
        self.free_plan = False
        #: Channels that are private (the bot must be a member to see them at all).
        self.private_channels: set[str] = set()
        #: Channels the bot is a member of (posting to a private one needs it).
        self.joined: set[str] = set()
        self._failures: dict[str, _Failure] = {}
        self.sockets_opened = 0
        self._sockets: list[web.WebSocketResponse] = []
        self._ts = itertools.count(1)
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._threads: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._changed = asyncio.Event()
        self._runner: web.AppRunner | None = None

    # --- lifecycle ------------------------------------------------------------------------

    @classmethod
    @asynccontextmanager
    async def start(cls, **options: Any) -> AsyncIterator[FakeSlack]:
        """Serve a fake on a free port of 127.0.0.1 for the duration of the block."""
        fake = cls(**options)
        app = web.Application()
        app.router.add_route("*", "/api/{method}", fake._api)
        app.router.add_post("/response/{kind}/{key}", fake._response)
        app.router.add_get("/socket", fake._socket)
        app.router.add_post("/upload/{file_id}", fake._upload_file)
        fake._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await fake._runner.setup()
        site = web.TCPSite(fake._runner, "127.0.0.1", 0)
        await site.start()
        port = fake._runner.addresses[0][1]
        fake.base_url = f"http://127.0.0.1:{port}"
        try:
            yield fake
        finally:
            for socket in list(fake._sockets):
                await socket.close()
            await fake._runner.cleanup()

    @property
    def api_url(self) -> str:
        """The Web API base URL to give the bot (`[slack] api_url`)."""
        return f"{self.base_url}/api/"

    # --- what the tests set up and read ---------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        real_name: str | None = None,
        email: str | None = None,
        restricted: bool = False,
        ultra_restricted: bool = False,
        team: str = TEAM_ID,
    ) -> None:
        """Make `users.info` know a user (a guest when `restricted`; `team` another team's)."""
        self.users[user_id] = {
            "id": user_id,
            "team_id": team,
            "name": name,
            "real_name": real_name or name,
            "is_bot": False,
            "deleted": False,
            "is_restricted": restricted or ultra_restricted,
            "is_ultra_restricted": ultra_restricted,
            "profile": {
                "display_name": name,
                "real_name": real_name or name,
                "email": email,
            },
        }

    def add_group(self, group_id: str, handle: str, users: list[str]) -> None:
        """Make `usergroups.list` know a user group and its members."""
        self.groups.append(
            {"id": group_id, "team_id": TEAM_ID, "handle": handle, "name": handle, "users": users}
        )

    def new_response_url(self, kind: str = "command") -> str:
        """A fresh `response_url`: a slash command's (`command`), or a message's (`message`,
        what a click on a button carries)."""
        if kind not in ("command", "message"):
            raise ValueError("kind is 'command' or 'message'")
        return f"{self.base_url}/response/{kind}/{uuid.uuid4().hex}"

    def rate_limit(self, method: str, times: int = 1, retry_after_s: int = 1) -> None:
        """Answer the next `times` calls of `method` (`chat.postEphemeral`, or `response_url`)
        with HTTP 429 and `Retry-After: retry_after_s`, as Slack's rate limiter does."""
        self._failures[method] = _Failure(times, 429, retry_after_s)

    def fail_next(self, method: str, times: int = 1, status: int = 500) -> None:
        """Answer the next `times` calls of `method` with a server error."""
        self._failures[method] = _Failure(times, status)

    def private(self, channel: str) -> None:
        """Make `channel` private: the bot sees it only once it `join`s it."""
        self.private_channels.add(channel)

    def add_thread(self, channel: str, ts: str, messages: list[tuple[str, str]]) -> None:
        """A thread `conversations.replies` reads back: (user id, text) of each message, the
        first one the thread's parent (its `ts` is `ts`)."""
        self._threads[(channel, ts)] = [
            {"type": "message", "user": user, "text": text, "ts": ts if i == 0 else f"{ts}{i}"}
            for i, (user, text) in enumerate(messages)
        ]

    def join(self, channel: str) -> None:
        """Make the bot a member of `channel`."""
        self.joined.add(channel)

    def _injected(self, method: str) -> web.Response | None:
        failure = self._failures.get(method)
        if failure is None or failure.times <= 0:
            return None
        failure.times -= 1
        headers = {"Retry-After": str(failure.retry_after_s)} if failure.retry_after_s else {}
        body = {"ok": False, "error": "ratelimited" if failure.status == 429 else "fatal_error"}
        return web.json_response(body, status=failure.status, headers=headers)

    def calls_to(self, method: str) -> list[ApiCall]:
        """The recorded calls of one Web API method, in order."""
        return [call for call in self.calls if call.method == method]

    def responses_to(self, url: str) -> list[ResponsePost]:
        """The recorded posts to one `response_url`, in order."""
        return [post for post in self.responses if post.url == url]

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until `condition()` holds (checked after every recorded request)."""
        async with asyncio.timeout(timeout):
            while not condition():
                self._changed.clear()
                if condition():
                    return
                await self._changed.wait()

    def _record(self) -> None:
        self._changed.set()

    # --- the Web API ----------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(parse_qsl(request.query_string))
        raw = await request.text()
        if raw:
            if request.content_type == "application/json":
                args.update(json.loads(raw))
            else:
                args.update(dict(parse_qsl(raw)))
        auth = request.headers.get("Authorization", "")
        token = auth[len("Bearer ") :] if auth.startswith("Bearer ") else args.pop("token", None)
        self.calls.append(ApiCall(method=method, args=args, token=token))
        self._record()
        injected = self._injected(method)
        if injected is not None:
            return injected
        handler = getattr(self, "_api_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"}, status=404)
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if token != expected:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        result: dict[str, Any] = handler(args)
        return web.json_response(result)

    def _next_ts(self) -> str:
        n = next(self._ts)
        return f"{1_700_000_000 + n}.{n:06d}"

    def _refuse(self, where: str, args: Mapping[str, Any]) -> dict[str, Any] | None:
        problem = message_problem(args)
        if problem is None:
            return None
        self.problems.append((where, problem))
        return {"ok": False, "error": problem}

    def _api_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://fake.slack.example/",
            "team": self.team,
            "user": "supportbot",
            "team_id": TEAM_ID,
            "user_id": self.bot_user_id,
            "bot_id": "B0BOT",
            "is_enterprise_install": False,
        }

    def _channel_problem(self, channel: str) -> dict[str, Any] | None:
        if channel in self.private_channels and channel not in self.joined:
            return {"ok": False, "error": "channel_not_found"}
        return None

    def _api_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        unseen = self._channel_problem(str(args.get("channel")))
        if unseen:
            return unseen
        refused = self._refuse("chat.postMessage", args)
        if refused:
            return refused
        channel, ts = str(args.get("channel")), self._next_ts()
        self._messages[(channel, ts)] = args
        return {"ok": True, "channel": channel, "ts": ts, "message": {"text": args.get("text")}}

    def _api_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        unseen = self._channel_problem(str(args.get("channel")))
        if unseen:
            return unseen
        refused = self._refuse("chat.postEphemeral", args)
        if refused:
            return refused
        return {"ok": True, "message_ts": self._next_ts()}

    def _api_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        key = (str(args.get("channel")), str(args.get("ts")))
        if key not in self._messages:
            return {"ok": False, "error": "message_not_found"}
        refused = self._refuse("chat.update", args)
        if refused:
            return refused
        self._messages[key] = args
        return {"ok": True, "channel": key[0], "ts": key[1], "text": args.get("text")}

    def _api_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args.get("user")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user}

    def _api_usergroups_list(self, args: dict[str, Any]) -> dict[str, Any]:
        if self.free_plan:
            return {"ok": False, "error": "plan_upgrade_required"}
        include = str(args.get("include_users", "")).lower() in ("1", "true")
        groups = [{**group, "users": group["users"] if include else []} for group in self.groups]
        return {"ok": True, "usergroups": groups}

    def _api_usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        if self.free_plan:
            return {"ok": False, "error": "plan_upgrade_required"}
        for group in self.groups:
            if group["id"] == args.get("usergroup"):
                return {"ok": True, "users": list(group["users"])}
        return {"ok": False, "error": "no_such_subteam"}

    def _api_users_lookupByEmail(self, args: dict[str, Any]) -> dict[str, Any]:
        wanted = str(args.get("email") or "").lower()
        for user in self.users.values():
            if str(user["profile"].get("email") or "").lower() == wanted:
                return {"ok": True, "user": user}
        return {"ok": False, "error": "users_not_found"}

    def _api_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users") or "")
        if not users or "," in users or users not in self.users:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "channel": {"id": "D" + users.lstrip("UW")}}

    def _api_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        unseen = self._channel_problem(channel)
        if unseen:
            return unseen
        return {
            "ok": True,
            "channel": {
                "id": channel,
                "is_private": channel in self.private_channels,
                "is_member": channel in self.joined,
                "is_archived": False,
            },
        }

    def _api_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel") or "")
        unseen = self._channel_problem(channel)
        if unseen:
            return unseen
        thread = self._threads.get((channel, str(args.get("ts") or "")))
        if thread is None:
            return {"ok": False, "error": "thread_not_found"}
        limit = int(str(args.get("limit") or 1000))
        return {"ok": True, "messages": thread[:limit], "has_more": len(thread) > limit}

    def _api_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        ws_base = self.base_url.replace("http://", "ws://")
        return {"ok": True, "url": f"{ws_base}/socket?ticket={uuid.uuid4().hex}"}

    # --- response_url ---------------------------------------------------------------------

    async def _response(self, request: web.Request) -> web.Response:
        body = await request.json()
        url = f"{self.base_url}{request.path}"
        self.responses.append(ResponsePost(url=url, body=body))
        self._record()
        injected = self._injected("response_url")
        if injected is not None:
            return injected
        if request.match_info["kind"] == "command" and body.get("replace_original"):
            # Slack does not replace a slash command's ack this way: the answer shows as a
            # second message, under the ack it was meant to replace.
            self.problems.append(("response_url", "replace_original_ignored"))
        problem = message_problem(body)
        if problem:
            self.problems.append(("response_url", problem))
            return web.Response(status=400, text=problem)
        return web.Response(text="ok")

    # --- Socket Mode ----------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self._sockets.append(socket)
        self.sockets_opened += 1
        self._record()
        await socket.send_json(
            {
                "type": "hello",
                "num_connections": len(self._sockets),
                "debug_info": {
                    "host": "applink-fake",
                    "build_number": 1,
                    "approximate_connection_time": 18060,
                },
                "connection_info": {"app_id": APP_ID},
            }
        )
        try:
            async for message in socket:
                if message.type != WSMsgType.TEXT:
                    continue
                data = json.loads(message.data)
                if "envelope_id" in data:
                    self.acks.append(SocketAck(data["envelope_id"], data.get("payload")))
                    self._record()
        finally:
            if socket in self._sockets:
                self._sockets.remove(socket)
            self._record()
        return socket

    @property
    def open_sockets(self) -> int:
        """How many Socket Mode connections are open now."""
        return sum(1 for socket in self._sockets if not socket.closed)

    async def send_envelope(
        self,
        kind: str,
        payload: Mapping[str, Any],
        *,
        retry_attempt: int = 0,
        retry_reason: str = "",
        timeout: float = 10.0,
    ) -> str:
        """Push an envelope (`events_api`, `slash_commands`, `interactive`) to the newest socket."""
        await self.wait_for(lambda: self.open_sockets > 0, timeout)
        envelope_id = str(uuid.uuid4())
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "payload": dict(payload),
            "type": kind,
            "accepts_response_payload": kind != "events_api",
        }
        if kind == "events_api":
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = retry_reason
        live = [socket for socket in self._sockets if not socket.closed]
        await live[-1].send_json(envelope)
        return envelope_id

    async def wait_for_ack(self, envelope_id: str, timeout: float = 10.0) -> SocketAck:
        """The bot's ack of one envelope, once it came."""
        await self.wait_for(lambda: any(a.envelope_id == envelope_id for a in self.acks), timeout)
        return next(ack for ack in self.acks if ack.envelope_id == envelope_id)

    async def disconnect_sockets(self, reason: str = "refresh_requested") -> None:
        """Ask every connected client to reconnect, as Slack does every few hours."""
        for socket in list(self._sockets):
            if not socket.closed:
                await socket.send_json(
                    {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-fake"}}
                )

    async def close_sockets(self) -> None:
        """Drop every connection from the server side."""
        for socket in list(self._sockets):
            await socket.close()
