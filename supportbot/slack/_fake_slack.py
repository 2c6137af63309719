"""A local fake of Slack: the Web API, `response_url`s and the Socket Mode WebSocket.

It runs on 127.0.0.1, records every call, and rejects what real Slack rejects in a message
(invalid blocks, more than 50 blocks, too many characters), so a test fails where Slack would.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
import warnings
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block

from ._fake_files import FakeFiles
from ._fake_payloads import APP_ID, TEAM_ID

__all__ = ["ApiCall", "FakeSlack", "ResponsePost", "SocketAck", "message_problem"]

#: Where this fake draws the line for `msg_blocks_too_long` (Slack: ~13.2k characters of text).
MAX_BLOCK_TEXT = 13_000
MAX_TEXT_FIELD = {"section_field": 2000, "context": 2000}


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


@dataclass(frozen=True)
class SocketAck:
    """The bot's acknowledgement of one Socket Mode envelope."""

    envelope_id: str
    payload: dict[str, Any] | None
    at: float = field(default_factory=time.monotonic)


def _texts(value: Any, parent: str = "") -> list[tuple[str, str]]:
    """(where, text) of every text object in a block tree."""
    found: list[tuple[str, str]] = []
    if isinstance(value, dict):
        if value.get("type") in ("mrkdwn", "plain_text") and "text" in value:
            found.append((parent, str(value["text"])))
        for key, item in value.items():
            kind = str(value.get("type", ""))
            found += _texts(item, f"{kind}.{key}" if kind else key)
    elif isinstance(value, list):
        for item in value:
            found += _texts(item, parent)
    return found


def message_problem(body: Mapping[str, Any]) -> str | None:
    """The error Slack would answer for this message body, or None when it would take it."""
    blocks = body.get("blocks")
    if isinstance(blocks, str):
        try:
            blocks = json.loads(blocks)
        except ValueError:
            return "invalid_blocks_format"
    text = body.get("text")
    if not blocks:
        return None if text else "no_text"
    if not isinstance(blocks, list) or len(blocks) > 50:
        return "invalid_blocks"
    for block in blocks:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # an unknown key is an error here
                parsed = Block.parse(block)
                if parsed is None:
                    return "invalid_blocks"
                parsed.to_dict()  # validates the block and everything in it
        except (SlackObjectFormationError, UserWarning, TypeError, KeyError):
            return "invalid_blocks"
    texts = _texts(blocks)
    for where, value in texts:
        if not value.strip():
            return "invalid_blocks"
        if where.endswith("section.fields") and len(value) > MAX_TEXT_FIELD["section_field"]:
            return "invalid_blocks"
        if where.endswith("context.elements") and len(value) > MAX_TEXT_FIELD["context"]:
            return "invalid_blocks"
    if sum(len(value) for _, value in texts) > MAX_BLOCK_TEXT:
        return "msg_blocks_too_long"
    return None


class FakeSlack(FakeFiles):
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
        self.sockets_opened = 0
        self._sockets: list[web.WebSocketResponse] = []
        self._ts = itertools.count(1)
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}
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
        app.router.add_post("/response/{key}", fake._response)
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
        self, user_id: str, name: str, *, real_name: str | None = None, email: str | None = None
    ) -> None:
        """Make `users.info` know a user."""
        self.users[user_id] = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name,
            "real_name": real_name or name,
            "is_bot": False,
            "deleted": False,
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

    def new_response_url(self) -> str:
        """A fresh `response_url`, as Slack puts in each slash command and click payload."""
        return f"{self.base_url}/response/{uuid.uuid4().hex}"

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

    def _api_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        refused = self._refuse("chat.postMessage", args)
        if refused:
            return refused
        channel, ts = str(args.get("channel")), self._next_ts()
        self._messages[(channel, ts)] = args
        return {"ok": True, "channel": channel, "ts": ts, "message": {"text": args.get("text")}}

    def _api_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
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
        include = str(args.get("include_users", "")).lower() in ("1", "true")
        groups = [{**group, "users": group["users"] if include else []} for group in self.groups]
        return {"ok": True, "usergroups": groups}

    def _api_usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        for group in self.groups:
            if group["id"] == args.get("usergroup"):
                return {"ok": True, "users": list(group["users"])}
        return {"ok": False, "error": "no_such_subteam"}

    def _api_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        ws_base = self.base_url.replace("http://", "ws://")
        return {"ok": True, "url": f"{ws_base}/socket?ticket={uuid.uuid4().hex}"}

    # --- response_url ---------------------------------------------------------------------

    async def _response(self, request: web.Request) -> web.Response:
        body = await request.json()
        url = f"{self.base_url}{request.path}"
        self.responses.append(ResponsePost(url=url, body=body))
        self._record()
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
