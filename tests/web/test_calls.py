"""The incoming-contact webhook over real HTTP on loopback, against the sample services and a
real SQLite file (and PostgreSQL): signed events open an interaction and post the card;
anything unsigned or malformed is refused with 400/401, never 500."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportbot import Reply, load_settings
from supportbot.record.calls import WebhookRefused, parse_contact, sign, twilio_signature
from supportbot.storage import upgrade
from supportbot.testing import BotTester
from supportbot.web.calls import CallsEndpoint, serve_calls
from tests.loopback import loopback_client

COMMANDS = Path(__file__).resolve().parents[2] / "commands"
SECRET = "test-shared-secret"


class Posted:
    """The poster the endpoint is lent: keeps every card."""

    def __init__(self) -> None:
        self.cards: list[Reply] = []

    async def __call__(self, card: Reply) -> None:
        self.cards.append(card)


@pytest.fixture
async def calls(database_url: str, tmp_path: Path) -> AsyncIterator[tuple[str, BotTester, Posted]]:
    upgrade(database_url)
    base = load_settings(None, data_dir=str(tmp_path), database_url=database_url)
    posted = Posted()
    async with BotTester.demo(commands=[COMMANDS], settings=base) as bot:
        endpoint = CallsEndpoint(bot.bot, SECRET, posted)
        async with serve_calls(endpoint) as url:
            endpoint.public_url = url
            yield url, bot, posted


def _twilio(url: str, **fields: str) -> tuple[bytes, dict[str, str]]:
    body = urlencode(fields).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": twilio_signature(SECRET, url, fields),
    }
    return body, headers


def _json(payload: object, secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    stamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "X-Supportbot-Timestamp": str(stamp),
        "X-Supportbot-Signature": sign(secret, body, stamp),
    }
    return body, headers


async def test_a_signed_twilio_call_posts_the_card_and_opens_an_interaction(calls) -> None:
    url, bot, posted = calls
    body, headers = _twilio(
        url, From="+62 812 3456 7890", CallSid="CA100", CallStatus="ringing", To="+6221000"
    )
    async with loopback_client() as client:
        answer = await client.post(url, content=body, headers=headers)
        assert answer.status_code == 200, answer.text
        ref = answer.json()["interaction"]
        [card] = posted.cards
        assert card.title is not None and card.title.startswith("Toko Sinar Jaya")
        store = bot.bot.store
        assert store is not None
        opened = await store.record.interaction(ref)
        assert opened is not None and opened.merchant_id == "M-10001"
        assert opened.external_id == "CA100" and opened.channel == "call"
        # The same call answered, then ended: first reply and duration, no second card.
        for status, extra in (("in-progress", {}), ("completed", {"CallDuration": "95"})):
            body, headers = _twilio(
                url, From="+6281234567890", CallSid="CA100", CallStatus=status, **extra
            )
            assert (await client.post(url, content=body, headers=headers)).status_code == 200
    ended = await store.record.interaction(ref)
    assert ended is not None and ended.duration_s == 95 and ended.first_reply_at is not None
    assert ended.closed_at is not None  # nobody but the phone system held it
    assert len(posted.cards) == 1


async def test_a_json_contact_from_an_unknown_number_is_posted_as_unknown(calls) -> None:
    url, bot, posted = calls
    body, headers = _json({"from": "0813-9999-0000", "call_id": "c-7", "status": "ringing"})
    async with loopback_client() as client:
        answer = await client.post(url, content=body, headers=headers)
    assert answer.status_code == 200
    [card] = posted.cards
    assert "unknown contact" in (card.text or "") and "/alias" in (card.footer or "")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Twilio-Signature": "bm9wZQ=="},
        {"X-Supportbot-Signature": "v1=00", "X-Supportbot-Timestamp": str(int(time.time()))},
        {"X-Supportbot-Signature": "v1=00", "X-Supportbot-Timestamp": "12"},
    ],
)
async def test_an_unsigned_or_badly_signed_webhook_gets_401_and_changes_nothing(
    calls, headers: dict[str, str]
) -> None:
    url, bot, posted = calls
    body = urlencode({"From": "+6281234567890", "CallSid": "CA1", "CallStatus": "ringing"})
    async with loopback_client() as client:
        answer = await client.post(
            url,
            content=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
        )
    assert answer.status_code == 401
    assert posted.cards == []


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"[1, 2]",
        json.dumps({"from": "+6281234567890"}).encode(),
        json.dumps({"from": "hello", "call_id": "c"}).encode(),
        json.dumps({"from": "+6281234567890", "call_id": "c", "status": "exploded"}).encode(),
        json.dumps({"from": "+6281234567890", "call_id": "c", "duration_s": "long"}).encode(),
        b"\xff\xfe",
        b"x" * 70_000,
    ],
)
async def test_a_signed_but_malformed_webhook_gets_400(calls, payload: bytes) -> None:
    url, bot, posted = calls
    stamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "X-Supportbot-Timestamp": str(stamp),
        "X-Supportbot-Signature": sign(SECRET, payload, stamp),
    }
    async with loopback_client() as client:
        answer = await client.post(url, content=payload, headers=headers)
    assert answer.status_code == 400, answer.text
    assert posted.cards == []


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300), st.sampled_from(["application/json", "text/plain", ""]))
def test_any_body_is_a_contact_or_a_400(body: bytes, content_type: str) -> None:
    try:
        parse_contact(content_type, body)
    except WebhookRefused as refused:
        assert refused.status == 400
