"""Early warnings through Slack: posted once with the stakeholder mention, then counted up on
the same message with chat.update; what a user typed never mentions anyone."""

from __future__ import annotations

from pathlib import Path

from supportbot import User
from supportbot.slack.testing import FakeSlack

from .conftest import bot_settings, slack_bot

KNOWLEDGE = {"warning_channel": "C0WARN", "warning_mention": "<!subteam^S0ONCALL>"}


async def test_a_second_warn_on_the_tag_updates_the_first_message(
    slack: FakeSlack, tmp_path: Path
) -> None:
    settings = bot_settings(tmp_path).with_table("knowledge", KNOWLEDGE)
    async with slack_bot(slack, settings) as (tester, _):
        first = await tester.run('/warn "terminals offline in Bandung <!channel>" #device/offline')
        second = await tester.run(
            '/warn "Bogor too" #device/offline', user=User(id="U0OTHER", name="budi")
        )
        assert tester.bot.store is not None
        warning = await tester.bot.store.warnings.get(1)
    assert "Posted early warning W-1 to C0WARN" in (first.text or "")
    assert "now 2 reports (the message is updated)" in (second.text or "")
    [post] = [c.args for c in slack.calls_to("chat.postMessage")]
    [edit] = [c.args for c in slack.calls_to("chat.update")]
    assert post["channel"] == "C0WARN"
    assert post["text"].startswith("<!subteam^S0ONCALL> ")
    assert post["blocks"][0]["text"]["text"] == "<!subteam^S0ONCALL>"
    # the typed mention is escaped text, in the post and in the edit
    assert "&lt;!channel&gt;" in str(post["blocks"]) and "<!channel>" not in str(post["blocks"])
    # the fake answers chat.update only for a message it posted: this edits the first one
    assert warning is not None and (edit["channel"], edit["ts"]) == ("C0WARN", warning.message_ts)
    assert "2 reports" in str(edit["blocks"]) and "&lt;!channel&gt;" in str(edit["blocks"])


async def test_a_channel_slack_refuses_is_said_and_the_warning_kept(
    slack: FakeSlack, tmp_path: Path
) -> None:
    slack.private("C0WARN")  # the bot is not in it
    settings = bot_settings(tmp_path).with_table("knowledge", KNOWLEDGE)
    async with slack_bot(slack, settings) as (tester, _):
        reply = await tester.run('/warn "terminals offline" #device/offline')
        assert tester.bot.store is not None
        warning = await tester.bot.store.warnings.get(1)
    assert "could not be posted to C0WARN" in (reply.text or "")
    assert "check the bot is in that channel" in (reply.text or "")
    assert warning is not None and warning.message_ts is None
