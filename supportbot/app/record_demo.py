"""The demo's support record: a month of sample history seeded on a fresh start, and, with
`supportbot demo --calls`, a small fake phone system that rings the bot's webhook.

The sample merchants come from `supportbot.sample`; the history itself is made by the record
layer (`supportbot.record.history`), which knows nothing of the sample services.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx

from supportbot.core.message import User
from supportbot.core.settings import kpi_settings
from supportbot.dispatch.bot import Bot
from supportbot.record.calls import sign
from supportbot.record.history import sample_history, seed_history, today
from supportbot.record.settings import record_settings
from supportbot.record.sla import SlaClock
from supportbot.sample import DEMO_PHONE, UNKNOWN_VALID_PHONE, sample_data
from supportbot.web.calls import (
    CALLS_PATH,
    PHONE_SYSTEM,
    CallsEndpoint,
    CardPoster,
    LogCardPoster,
    serve_calls,
)

__all__ = [
    "calls_routes",
    "demo_record",
    "fake_phone_system",
    "seed_demo_record",
    "serve_demo_calls",
]

log = logging.getLogger("supportbot.record")

#: The calls the fake phone system makes, in a loop: (from, seconds ringing, seconds talking).
FAKE_CALLS = ((DEMO_PHONE, 2.0, 8.0), (UNKNOWN_VALID_PHONE, 2.0, 4.0), ("+6281398765432", 2.0, 6.0))


async def seed_demo_record(bot: Bot) -> bool:
    """A month of history for the sample merchants, unless the record has some already."""
    if bot.store is None:
        return False
    merchants = sorted(sample_data().merchants)
    clock = SlaClock.of(kpi_settings(bot.settings))
    seeded = await seed_history(
        bot.store, lambda: sample_history(merchants, end=today(), clock=clock)
    )
    if seeded:
        log.info("seeded %d sample interactions", seeded)
    return seeded > 0


async def fake_phone_system(
    url: str, secret: str, *, rounds: int | None = None, pause_s: float = 20.0
) -> None:
    """Ring `url` like a phone system: ringing, answered, completed, for each of FAKE_CALLS;
    `rounds` times (None: until cancelled)."""
    done = 0
    async with httpx.AsyncClient(timeout=10) as client:
        while rounds is None or done < rounds:
            for phone, ringing_s, talking_s in FAKE_CALLS:
                call_id = "FAKE" + secrets.token_hex(6)
                for status, wait in (
                    ("ringing", ringing_s),
                    ("answered", talking_s),
                    ("completed", 0.0),
                ):
                    payload: dict[str, object] = {
                        "from": phone,
                        "call_id": call_id,
                        "status": status,
                    }
                    if status == "completed":
                        payload["duration_s"] = talking_s
                    body = json.dumps(payload).encode()
                    stamp = int(time.time())
                    headers = {
                        "Content-Type": "application/json",
                        "X-Supportbot-Timestamp": str(stamp),
                        "X-Supportbot-Signature": sign(secret, body, stamp),
                    }
                    try:
                        await client.post(url, content=body, headers=headers)
                    except httpx.HTTPError as exc:
                        log.warning("fake phone system: %s", exc)
                    await asyncio.sleep(wait)
                await asyncio.sleep(pause_s)
            done += 1


@asynccontextmanager
async def serve_demo_calls(
    bot: Bot, *, echo: Callable[[str], None] | None = None
) -> AsyncIterator[str]:
    """The webhook on a free loopback port, and the fake phone system ringing it; yields the
    webhook's URL. The secret is the configured one, or a throwaway one for the demo."""
    settings = record_settings(bot.settings)
    secret = os.environ.get(settings.webhook_secret_env) or secrets.token_hex(16)
    endpoint = CallsEndpoint(bot, secret, LogCardPoster(bot.settings.phone_region, echo))
    async with serve_calls(endpoint) as url:
        ringing = asyncio.get_running_loop().create_task(fake_phone_system(url, secret))
        try:
            yield url
        finally:
            ringing.cancel()
            try:
                await ringing
            except asyncio.CancelledError:
                pass


@asynccontextmanager
async def demo_record(bot: Bot, *, calls: bool = False) -> AsyncIterator[None]:
    """While the demo runs: its sample history, and with `calls` the webhook and the fake
    phone system (their cards printed on the console).

    The history is written before the first command is taken (about a second, once per data
    folder): a first `/timeline` or `/stats` must not answer "nothing yet" while it is being
    written, nor may a one-shot `exec` cancel it half-way."""
    try:
        await seed_demo_record(bot)
    except Exception:  # the demo still runs, with an empty record
        log.exception("the demo's sample history could not be written")
    if calls:
        async with serve_demo_calls(bot, echo=_echo) as url:
            _echo(f"fake phone system: ringing {url} every 20 s")
            yield
    else:
        yield


def _echo(line: str) -> None:
    print(f"supportbot: {line}", flush=True)


def calls_routes(bot: Bot, post_card: CardPoster) -> list[Any]:
    """The incoming-calls webhook as a route of another server (Slack's HTTP mode), when the
    variable `webhook_secret_env` names is set; none (and a log line saying so) otherwise."""
    settings = record_settings(bot.settings)
    secret = os.environ.get(settings.webhook_secret_env, "")
    if not secret:
        log.info("no incoming-calls webhook: %s is not set", settings.webhook_secret_env)
        return []
    agent = PHONE_SYSTEM
    if settings.on_duty_agent:
        agent = User(id=settings.on_duty_agent, name=settings.on_duty_agent)
    endpoint = CallsEndpoint(bot, secret, post_card, agent=agent)
    log.info("incoming-calls webhook at %s", CALLS_PATH)
    return [(CALLS_PATH, endpoint.handle)]
