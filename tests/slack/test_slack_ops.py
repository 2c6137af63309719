"""Operations through Slack: /metrics beside /slack/events in HTTP mode, early-warning alerts
posted to the ops channel, /escalate posted to the engineering channel."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from supportbot import User
from supportbot.services.alerts import Alert
from supportbot.slack import SlackAdapter
from supportbot.slack.testing import FakeSlack, SlackSender

from .conftest import bot_settings, slack_bot


async def test_metrics_are_served_in_http_mode_and_move_with_commands(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, http_url: str
) -> None:
    async with aiohttp.ClientSession() as session:
        url = slack.new_response_url()
        await sender.command("/merchant", "M-10001", response_url=url)
        await adapter.drain(10)
        async with session.get(f"{http_url}/metrics") as response:
            assert response.status == 200
            assert response.headers["Content-Type"].startswith("text/plain")
            body = await response.text()
    assert 'supportbot_commands_total{command="merchant",outcome="ok"}' in body
    assert 'supportbot_service_calls_total{outcome="ok",service="billing"}' in body


async def test_alerts_go_to_the_ops_channel_slack_lent_the_bot(
    slack: FakeSlack, tmp_path: Path
) -> None:
    async with slack_bot(slack, bot_settings(tmp_path, ops_channel="C0OPS")) as (tester, _):
        monitor = tester.bot.services.monitor
        assert monitor is not None
        await monitor.notifier.send(
            Alert("billing", "failing", 20, 12, 300.0, "timeout", "billing is failing")
        )
    posts = [c.args for c in slack.calls_to("chat.postMessage")]
    assert [(p["channel"], p["text"]) for p in posts] == [("C0OPS", "billing is failing")]


async def test_escalate_posts_to_the_engineering_channel_and_records_it(
    slack: FakeSlack, tmp_path: Path
) -> None:
    settings = bot_settings(tmp_path, slack={"engineering_channel": "C0ENG"})
    async with slack_bot(slack, settings) as (tester, _):
        bot = tester.bot
        assert tester.sample is not None
        tester.sample.set_failure("receipts", "error", status=500)
        failed = await tester.run("/resend-receipt TX-1042", confirm=True)
        reference = next(b.value for b in failed.buttons if b.action == "escalate")
        reply = await tester.run(f"/escalate {reference}", user=User(id="U0LEAD", name="lina"))
        again = await tester.run(f"/escalate {reference}", user=User(id="U0LEAD", name="lina"))
        assert bot.store is not None
        [stored] = await bot.store.actions.escalations(reference)
    assert "Escalated to engineering in C0ENG" in (reply.text or "")
    assert "already" in (again.text or "") and "by lina" in (again.text or "")
    [post] = [c.args for c in slack.calls_to("chat.postMessage")]  # sent once
    assert post["channel"] == "C0ENG" and "Escalation: /resend-receipt failed" in str(post)
    assert stored.delivered is True and stored.destination == "C0ENG"
