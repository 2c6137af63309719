"""Socket Mode against a local WebSocket server speaking Slack's envelope protocol."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from supportbot import ConfigError
from supportbot.slack import (
    SlackAdapter,
    SlackConnection,
    SocketModeRunner,
    open_slack,
    run_socket_mode,
)
from supportbot.slack._socket import serve_socket_health
from supportbot.slack.testing import (
    FakeSlack,
    direct_message_event,
    event_callback,
    message_problem,
    slash_command,
)
from supportbot.testing import BotTester


@pytest.fixture
async def socket_adapter(
    tester: BotTester, connection: SlackConnection
) -> AsyncIterator[SlackAdapter]:
    async with open_slack(tester.bot, connection) as adapter:
        yield adapter


@pytest.fixture
async def runner(slack: FakeSlack, socket_adapter: SlackAdapter) -> AsyncIterator[SocketModeRunner]:
    async with run_socket_mode(socket_adapter, slack.app_token, ping_interval=0.5) as connected:
        yield connected


async def test_a_slash_command_envelope_is_acked_with_the_message_then_answered(
    slack: FakeSlack, runner: SocketModeRunner, socket_adapter: SlackAdapter
) -> None:
    url = slack.new_response_url()
    envelope = await slack.send_envelope(
        "slash_commands", slash_command("/merchant", "M-10001", response_url=url)
    )
    ack = await slack.wait_for_ack(envelope)
    assert ack.payload is not None and ack.payload["text"] == "Looking up /merchant M-10001…"
    await slack.wait_for(lambda: bool(slack.responses_to(url)))
    assert "Toko Sinar Jaya" in str(slack.responses_to(url)[0].body)
    assert await runner.connected()


async def test_a_usage_error_is_answered_in_the_envelope_ack(
    slack: FakeSlack, runner: SocketModeRunner, socket_adapter: SlackAdapter
) -> None:
    url = slack.new_response_url()
    envelope = await slack.send_envelope(
        "slash_commands", slash_command("/nosuch", "x", response_url=url)
    )
    ack = await slack.wait_for_ack(envelope)
    assert ack.payload is not None and ack.payload["response_type"] == "ephemeral"
    assert "There is no command /nosuch" in ack.payload["text"]
    assert message_problem(ack.payload) is None
    await socket_adapter.drain(10)
    assert slack.responses_to(url) == []


async def test_lone_surrogates_and_controls_never_reach_the_ack(
    slack: FakeSlack, runner: SocketModeRunner, socket_adapter: SlackAdapter
) -> None:
    # JSON may carry what UTF-8 cannot: an ack echoing it could not be sent at all.
    url = slack.new_response_url()
    reason = "dobel \ud83d\x00\u202e" + "\U0001f600" * 3000
    envelope = await slack.send_envelope(
        "slash_commands", slash_command("/refund", f"TX-1042 1000 {reason}", response_url=url)
    )
    ack = await slack.wait_for_ack(envelope)
    assert ack.payload is not None
    text = ack.payload["text"]
    assert text.startswith("Preparing /refund TX-1042 1000 dobel ") and text.endswith("……")
    assert not {"\ud83d", "\x00", "\u202e"} & set(text)
    assert len(text) < 200
    await socket_adapter.drain(10)
    assert slack.responses_to(url)  # and the run answered at the response_url


async def test_a_redelivered_event_is_acked_but_runs_once(
    slack: FakeSlack, runner: SocketModeRunner, socket_adapter: SlackAdapter
) -> None:
    payload = event_callback(direct_message_event("help"), event_id="Ev0SOCKET")
    first = await slack.send_envelope("events_api", payload)
    again = await slack.send_envelope(
        "events_api", payload, retry_attempt=1, retry_reason="timeout"
    )
    await slack.wait_for_ack(first)
    await slack.wait_for_ack(again)
    await socket_adapter.drain(10)
    assert len(slack.calls_to("chat.postMessage")) == 1


async def test_an_envelope_nothing_listens_to_is_still_acked(
    slack: FakeSlack, runner: SocketModeRunner
) -> None:
    event = {"type": "reaction_added", "user": "U0AGENT", "reaction": "eyes"}
    envelope = await slack.send_envelope("events_api", event_callback(event))
    assert (await slack.wait_for_ack(envelope)).payload is None


async def test_after_a_server_disconnect_the_client_reconnects_and_works(
    slack: FakeSlack, runner: SocketModeRunner, socket_adapter: SlackAdapter
) -> None:
    assert slack.sockets_opened == 1
    await slack.disconnect_sockets("refresh_requested")
    await runner.wait_for_hello(2)
    assert slack.sockets_opened == 2
    assert len(slack.calls_to("apps.connections.open")) == 2
    url = slack.new_response_url()
    envelope = await slack.send_envelope("slash_commands", slash_command("/help", response_url=url))
    await slack.wait_for_ack(envelope)
    await slack.wait_for(lambda: bool(slack.responses_to(url)))
    assert await runner.connected()


async def test_after_the_server_drops_the_socket_the_client_reconnects(
    slack: FakeSlack, runner: SocketModeRunner
) -> None:
    await slack.close_sockets()
    await runner.wait_for_hello(2, timeout=15)
    envelope = await slack.send_envelope(
        "slash_commands", slash_command("/help", response_url=slack.new_response_url())
    )
    await slack.wait_for_ack(envelope)


async def test_health_reports_the_connection(runner: SocketModeRunner) -> None:
    async with serve_socket_health(runner, host="127.0.0.1", port=0) as url:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{url}/readyz") as response:
                assert response.status == 200
                assert (await response.json())["connected"] is True
            async with session.get(f"{url}/healthz") as response:
                assert response.status == 200


async def test_a_refused_app_token_fails_the_start_naming_it(
    slack: FakeSlack, socket_adapter: SlackAdapter
) -> None:
    with pytest.raises(ConfigError) as caught:
        async with run_socket_mode(socket_adapter, "xapp-1-wrong"):
            pass
    assert "SLACK_APP_TOKEN" in str(caught.value) and "invalid_auth" in str(caught.value)
