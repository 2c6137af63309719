"""Slack in `supportbot doctor`: is the bot token accepted where the bot would connect, and
can the bot post in `[slack] approvals_channel` when one is set?

The check is the one the adapter makes when it starts (`authenticate`, one `auth.test` at the
`[slack] api_url`), so the doctor says exactly what `supportbot run` would say.
"""

from __future__ import annotations

import os
import time

from supportbot.core.errors import ConfigError
from supportbot.core.settings import Settings
from supportbot.services.health import ServiceHealth

from . import wording as messages
from ._settings import slack_settings

__all__ = ["SLACK_CHECK_TIMEOUT_S", "check_slack"]

#: How long the doctor waits for Slack's answer.
SLACK_CHECK_TIMEOUT_S = 5.0


async def check_slack(settings: Settings) -> ServiceHealth:
    """`auth.test` with SLACK_BOT_TOKEN; "skip" without a token, "fail" saying what to fix."""
    token = os.environ.get("SLACK_BOT_TOKEN", "").strip()
    if not token:
        return ServiceHealth("slack", "skip", messages.slack_not_configured())
    # Imported here: `supportbot --help` and the other checks should not pay for slack_sdk.
    from slack_sdk.web.async_client import AsyncWebClient

    from ._identity import authenticate

    client = AsyncWebClient(
        token=token,
        base_url=slack_settings(settings).api_url,
        timeout=int(SLACK_CHECK_TIMEOUT_S),
    )
    started = time.perf_counter()
    try:
        identity = await authenticate(client, timeout_s=SLACK_CHECK_TIMEOUT_S)
    except ConfigError as exc:
        return ServiceHealth("slack", "fail", str(exc))
    latency = (time.perf_counter() - started) * 1000
    channel = slack_settings(settings).approvals_channel
    if channel:
        from ._approvals import approvals_channel_problem

        problem = await approvals_channel_problem(client, channel)
        if problem is not None:
            text = messages.slack_approvals_channel_problem(channel, problem)
            return ServiceHealth("slack", "fail", text)
    detail = messages.slack_auth_ok(identity.user or "?", identity.team or "?")
    return ServiceHealth("slack", "ok", detail, latency_ms=latency)
