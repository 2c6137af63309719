"""Hostile HTTP: whatever anyone posts to /slack/events gets a 4xx, one WARNING line, no
traceback and no request body in the log, and runs nothing."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator

import pytest

from supportbot.slack import SlackAdapter, serve_http
from supportbot.slack._front_door import FrontDoor
from supportbot.slack.testing import FakeSlack, SlackSender, SlackSigner, form_body, slash_command

from .conftest import SIGNING_SECRET

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
SECRET_LOOKING = "0812-3456-7890"

#: (body, content type): each of these once reached Bolt's parser and came back a 500.
MALFORMED: list[tuple[bytes, str]] = [
    (b"{", JSON),
    (b"[1]", JSON),
    (b"null", JSON),
    (b'"text"', JSON),
    (b"payload=%7B", FORM),
    (b"payload=%5B1%5D", FORM),
    (b"\xff\xfe", FORM),
    (b"\xff\xfe", JSON),
    (f"text={SECRET_LOOKING}&payload=%7B".encode(), FORM),
    (b"text=a\x00b", FORM),
    (b"command=/merchant&text=1", "application/x-www-form-urlencoded; charset=bogus-8"),
]


def _no_trace(caplog: pytest.LogCaptureFixture) -> None:
    for record in caplog.records:
        assert record.exc_info is None, record.getMessage()
        assert record.levelno < logging.ERROR, record.getMessage()
        assert SECRET_LOOKING not in record.getMessage()
        assert "response" not in record.getMessage().lower() or "response_url" not in str(
            record.args
        )


@pytest.mark.parametrize(("body", "content_type"), MALFORMED)
async def test_a_signed_malformed_body_is_a_400_with_one_warning(
    body: bytes,
    content_type: str,
    sender: SlackSender,
    adapter: SlackAdapter,
    slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    sent = await sender.post(body, content_type=content_type)
    assert sent.status == 400, sent.text
    _no_trace(caplog)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "refused" in warnings[0].getMessage()
    await adapter.drain(5)
    assert slack.responses == []


@pytest.mark.parametrize(("body", "content_type"), MALFORMED)
async def test_an_unsigned_malformed_body_is_a_401_before_any_parsing(
    body: bytes, content_type: str, sender: SlackSender, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sent = await sender.post(body, content_type=content_type, headers={})
    assert sent.status == 401
    _no_trace(caplog)


@pytest.mark.parametrize("timestamp", ["soon", "１７００", "-1", "1e9", "", "9" * 40])
async def test_a_non_numeric_timestamp_is_a_401(
    timestamp: str, sender: SlackSender, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = form_body(slash_command("/help", response_url="http://127.0.0.1:1/r"))
    headers = sender.signer.headers(body, content_type=FORM)
    headers["X-Slack-Request-Timestamp"] = timestamp
    sent = await sender.post(body, content_type=FORM, headers=headers)
    assert sent.status == 401
    _no_trace(caplog)


async def test_a_failed_signature_never_logs_the_body(
    sender: SlackSender, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    url = "http://127.0.0.1:9/response/secret-hook"
    body = form_body(slash_command("/merchant", SECRET_LOOKING, response_url=url))
    forged = sender.signer.headers(body, content_type=FORM)
    forged["X-Slack-Signature"] = "v0=" + "0" * 64
    sent = await sender.post(body, content_type=FORM, headers=forged)
    assert sent.status == 401
    logged = "\n".join(r.getMessage() + repr(r.args) for r in caplog.records)
    assert SECRET_LOOKING not in logged and "secret-hook" not in logged


@pytest.fixture
async def strict_url(adapter: SlackAdapter) -> AsyncIterator[str]:
    door = FrontDoor(SIGNING_SECRET, body_timeout_s=0.3, max_open=3)
    async with serve_http(adapter, host="127.0.0.1", port=0, door=door) as url:
        yield url


async def _slow_body(url: str, hold_s: float) -> tuple[float, bytes]:
    host, port = url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    started = time.perf_counter()
    writer.write(
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n{"
    )
    await writer.drain()
    try:
        answer = await asyncio.wait_for(reader.read(200), hold_s)
    finally:
        writer.close()
    return time.perf_counter() - started, answer


async def test_a_body_that_trickles_in_is_cut_off(strict_url: str) -> None:
    elapsed, answer = await _slow_body(strict_url, 5.0)
    assert answer.startswith(b"HTTP/1.1 408") and elapsed < 3.0


async def test_unfinished_requests_beyond_the_limit_get_a_503(strict_url: str) -> None:
    held = [asyncio.ensure_future(_slow_body(strict_url, 5.0)) for _ in range(3)]
    await asyncio.sleep(0.1)
    async with SlackSender(strict_url, SlackSigner(SIGNING_SECRET)) as sender:
        sent = await sender.post(b"{}", content_type=JSON)
    assert sent.status == 503
    answers = await asyncio.gather(*held)
    assert all(answer.startswith(b"HTTP/1.1 408") for _, answer in answers)


@pytest.mark.parametrize(
    "value",
    ["iid.²", "abcdefghijkl.٣", "abc\x00defghijk", "abcdefgh\u202eijkl.1", "x" * 3000, ""],
)
async def test_a_tampered_button_value_is_answered_as_expired(
    value: str, slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    from supportbot.slack.testing import block_actions

    url = slack.new_response_url("message")
    sent = await sender.click(block_actions("supportbot.button.0", value=value, response_url=url))
    assert sent.status == 200
    await adapter.drain(10)
    [note] = slack.responses_to(url)
    assert "expired" in json.dumps(note.body)
