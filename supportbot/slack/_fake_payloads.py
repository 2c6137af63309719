"""Slack's request payloads and signatures, exactly as Slack sends them (for tests).

Shapes follow Slack's documentation of slash commands (form-encoded), the Events API
(`event_callback` JSON) and interactivity (form-encoded `payload=` JSON), trimmed to the
fields that matter plus the ones every real payload carries.

Every `trigger_id` and `event_id` not given is new (random), in every call and every process:
the bot runs each delivery once, so a script run again against the same database must not
send ids it sent before. Give one explicitly to send a redelivery.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

__all__ = [
    "SlackSigner",
    "app_home_opened_event",
    "app_mention_event",
    "block_actions",
    "direct_message_event",
    "event_callback",
    "form_body",
    "interactive_body",
    "message_action",
    "new_event_id",
    "new_trigger_id",
    "slash_command",
    "text_value",
    "view_submission",
]

TEAM_ID = "T0FAKE"
APP_ID = "A0FAKE"


def new_trigger_id() -> str:
    """A fresh `trigger_id`, shaped like Slack's (`13345224609.738474920.8ee904c9…`)."""
    unique = uuid.uuid4()
    return f"{int(time.time() * 1000)}.{unique.int % 10**9:09d}.{unique.hex}"


def new_event_id() -> str:
    """A fresh `event_id`, shaped like Slack's (`Ev0…`)."""
    return "Ev" + uuid.uuid4().hex.upper()


class SlackSigner:
    """Signs requests as Slack does: HMAC-SHA256 over `v0:<timestamp>:<raw body>`."""

    def __init__(self, signing_secret: str) -> None:
        self.signing_secret = signing_secret

    def signature(self, body: str | bytes, timestamp: int) -> str:
        """The `X-Slack-Signature` value for `body` sent at `timestamp`."""
        raw = body.encode() if isinstance(body, str) else body
        base = b"v0:" + str(timestamp).encode() + b":" + raw
        digest = hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()
        return f"v0={digest}"

    def headers(
        self,
        body: str | bytes,
        *,
        content_type: str,
        timestamp: int | None = None,
        retry_num: int | None = None,
    ) -> dict[str, str]:
        """All headers of a signed request (content type, timestamp, signature, retry)."""
        at = int(time.time()) if timestamp is None else timestamp
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(at),
            "X-Slack-Signature": self.signature(body, at),
        }
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        return headers


def form_body(fields: Mapping[str, Any]) -> str:
    """`application/x-www-form-urlencoded`, as slash commands arrive."""
    return urlencode({key: str(value) for key, value in fields.items()})


def interactive_body(payload: Mapping[str, Any]) -> str:
    """Interactivity's encoding: one form field `payload` holding JSON."""
    return urlencode({"payload": json.dumps(payload, separators=(",", ":"))})


def slash_command(
    command: str,
    text: str = "",
    *,
    response_url: str,
    user_id: str = "U0AGENT",
    user_name: str = "agent",
    channel_id: str = "C0SUPPORT",
    channel_name: str = "support",
    trigger_id: str | None = None,
) -> dict[str, str]:
    """The fields of a slash command invocation (form-encode them with `form_body`)."""
    return {
        "token": "deprecated-verification-token",
        "team_id": TEAM_ID,
        "team_domain": "fake",
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id or new_trigger_id(),
    }


def app_mention_event(
    text: str,
    *,
    user: str = "U0AGENT",
    channel: str = "C0SUPPORT",
    bot_user_id: str = "U0BOT",
    thread_ts: str | None = None,
) -> dict[str, Any]:
    """An `app_mention` event; `text` is what follows the @mention."""
    ts = f"{time.time():.6f}"
    event: dict[str, Any] = {
        "type": "app_mention",
        "user": user,
        "text": f"<@{bot_user_id}> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def direct_message_event(
    text: str, *, user: str = "U0AGENT", channel: str = "D0AGENT"
) -> dict[str, Any]:
    """A `message` event in the bot's DM (`message.im`)."""
    ts = f"{time.time():.6f}"
    return {
        "type": "message",
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }


def event_callback(event: Mapping[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    """The Events API envelope around `event` (send it as JSON)."""
    return {
        "token": "deprecated-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": dict(event),
        "type": "event_callback",
        "event_id": event_id or new_event_id(),
        "event_time": int(time.time()),
        "authorizations": [
            {"team_id": TEAM_ID, "user_id": "U0BOT", "is_bot": True, "is_enterprise_install": False}
        ],
        "is_ext_shared_channel": False,
    }


def block_actions(
    action_id: str,
    *,
    value: str | None = None,
    selected_value: str | None = None,
    response_url: str,
    user_id: str = "U0AGENT",
    user_name: str = "agent",
    channel_id: str = "C0SUPPORT",
    message_ts: str = "1700000000.000100",
    ephemeral: bool = True,
    trigger_id: str | None = None,
) -> dict[str, Any]:
    """A `block_actions` payload for a click on a button (`value`) or a menu choice."""
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": "b0",
        "action_ts": f"{time.time():.6f}",
    }
    if selected_value is not None:
        action["type"] = "static_select"
        action["selected_option"] = {
            "text": {"type": "plain_text", "text": "choice"},
            "value": selected_value,
        }
    else:
        action["type"] = "button"
        action["value"] = value or ""
        action["text"] = {"type": "plain_text", "text": "button"}
    return {
        "type": "block_actions",
        "user": {"id": user_id, "username": user_name, "name": user_name, "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "deprecated-verification-token",
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": ephemeral,
        },
        "trigger_id": trigger_id or new_trigger_id(),
        "team": {"id": TEAM_ID, "domain": "fake"},
        "channel": {"id": channel_id, "name": "support"},
        "response_url": response_url,
        "actions": [action],
    }


def view_submission(
    view: Mapping[str, Any],
    values: Mapping[str, Any],
    *,
    user_id: str = "U0AGENT",
    user_name: str = "agent",
    trigger_id: str | None = None,
) -> dict[str, Any]:
    """A `view_submission` payload for `view` (as opened) with `values` as
    `view.state.values`: `{block_id: {action_id: {"type": ..., "value": ...}}}`."""
    submitted = {**dict(view), "state": {"values": dict(values)}}
    submitted.setdefault("id", "V0FAKEVIEW")
    submitted.setdefault("hash", uuid.uuid4().hex)
    submitted.setdefault("team_id", TEAM_ID)
    submitted.setdefault("app_id", APP_ID)
    return {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "fake"},
        "user": {"id": user_id, "username": user_name, "name": user_name, "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "deprecated-verification-token",
        "trigger_id": trigger_id or new_trigger_id(),
        "view": submitted,
        "response_urls": [],
        "is_enterprise_install": False,
    }


def text_value(value: str) -> dict[str, str]:
    """What a `plain_text_input` reports in `view.state.values`."""
    return {"type": "plain_text_input", "value": value}


def message_action(
    callback_id: str,
    text: str,
    *,
    user_id: str = "U0AGENT",
    channel_id: str = "C0SUPPORT",
    message_ts: str = "1700000000.000200",
    thread_ts: str | None = None,
    author: str = "U0CUSTOMER",
    trigger_id: str | None = None,
    response_url: str = "http://127.0.0.1:9/unused",
) -> dict[str, Any]:
    """A `message_action` payload: a message shortcut chosen on a message saying `text`."""
    message: dict[str, Any] = {"type": "message", "user": author, "text": text, "ts": message_ts}
    if thread_ts:
        message["thread_ts"] = thread_ts
    return {
        "type": "message_action",
        "callback_id": callback_id,
        "trigger_id": trigger_id or new_trigger_id(),
        "action_ts": f"{time.time():.6f}",
        "team": {"id": TEAM_ID, "domain": "fake"},
        "user": {"id": user_id, "name": "agent", "username": "agent", "team_id": TEAM_ID},
        "channel": {"id": channel_id, "name": "support"},
        "message_ts": message_ts,
        "message": message,
        "response_url": response_url,
    }


def app_home_opened_event(user: str = "U0AGENT", tab: str = "home") -> dict[str, Any]:
    """An `app_home_opened` event: `user` opened the app's Home (or Messages) tab."""
    ts = f"{time.time():.6f}"
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": "D0HOME",
        "tab": tab,
        "event_ts": ts,
    }
