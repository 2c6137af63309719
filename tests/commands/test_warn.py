"""/warn: one early warning per tag and window, counted up on the same message."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from supportbot import Outcome, Reply, User, load_settings
from supportbot.core.knowledge_settings import KnowledgeSettings
from supportbot.dispatch.bot import Outlets
from supportbot.testing import BotTester

from .conftest import COMMANDS

ANI = User(id="terminal:ani", name="ani")  # weekend staff
BUDI = User(id="terminal:budi", name="budi")  # an agent


class Channel:
    """A poster that keeps what the channel shows (the adapter's side of `ChannelPoster`)."""

    def __init__(self) -> None:
        self.messages: dict[str, tuple[str, Reply, str]] = {}
        self.posts = 0
        self.updates = 0

    async def post(self, channel: str, reply: Reply, *, mention: str = "") -> str | None:
        self.posts += 1
        ts = f"{self.posts}.000"
        self.messages[ts] = (channel, reply, mention)
        return ts

    async def update(self, channel: str, ts: str, reply: Reply, *, mention: str = "") -> bool:
        self.updates += 1
        self.messages[ts] = (channel, reply, mention)
        return True


@pytest.fixture
def channel() -> Channel:
    return Channel()


@pytest.fixture
async def warn_bot(tmp_path: Path, channel: Channel) -> AsyncIterator[BotTester]:
    settings = load_settings(None, data_dir=str(tmp_path)).with_table(
        "knowledge", {"warning_channel": "C0WARN", "warning_mention": "<!subteam^S0ONCALL>"}
    )
    async with BotTester.demo(
        commands=[COMMANDS], settings=settings, user=BUDI, outlets=Outlets(poster=channel)
    ) as tester:
        yield tester


async def test_a_second_warning_on_the_tag_updates_the_first_message(
    warn_bot: BotTester, channel: Channel
) -> None:
    first = await warn_bot.run('/warn "card terminals offline in Bandung" #device/offline')
    assert first.outcome is Outcome.OK
    assert first.text == "Posted early warning W-1 to C0WARN, mentioning <!subteam^S0ONCALL>."
    second = await warn_bot.run('/warn "terminals offline in Bogor too" #device/offline', user=ANI)
    assert (second.text or "").startswith("Added to the warning posted at ")
    assert "(W-1), now 2 reports (the message is updated)." in (second.text or "")
    assert channel.posts == 1 and channel.updates == 1
    [(where, message, mention)] = channel.messages.values()
    assert (where, mention) == ("C0WARN", "<!subteam^S0ONCALL>")
    assert message.title == ":rotating_light: Early warning W-1 · #device/offline"
    assert message.text == "card terminals offline in Bandung"
    assert (message.footer or "").startswith("2 reports · first by budi at ")
    assert [i.split(" at ")[0] for i in message.sections[0].items] == ["ani", "budi"]
    # another tag, or no tag: a warning of its own
    other = await warn_bot.run('/warn "QRIS refused" #payment/qris')
    untagged = await warn_bot.run('/warn "the dashboard is slow"')
    assert "W-2" in (other.text or "") and "W-3" in (untagged.text or "")
    assert channel.posts == 3


async def test_without_a_poster_the_warning_is_recorded_and_the_sender_told(
    record_bot: BotTester,
) -> None:
    first = await record_bot.run('/warn "settlements late" #settlement/delayed')
    assert first.outcome is Outcome.OK
    assert (first.text or "").startswith("Early warning W-1 is open. It is recorded, but no ")
    assert "Posted" not in (first.text or "")  # it was not posted anywhere
    second = await record_bot.run('/warn "settlements late for BCA" #settlement/delayed')
    assert "Added to the warning posted at" in (second.text or "")
    assert "now 2 reports." in (second.text or "")
    assert record_bot.bot.store is not None
    warning = await record_bot.bot.store.warnings.get(1)
    assert warning is not None and warning.reports == 2 and warning.message_ts is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/warn", "Say what you see, in quotes"),
        ('/warn ""', "Say what you see, in quotes"),
        ("/warn   #device/offline", "Say what you see, in quotes"),
        ('/warn "unclosed', "A quote is not closed"),
        ('/warn "offline" #device/offlin', "Did you mean device/offline"),
        ('/warn "offline" #nonsense', "There is no tag 'nonsense'"),
        ('/warn "offline" #device/offline #payment/qris', "One tag per warning, not 2"),
        ('/warn "' + "x" * 600 + '"', "That warning is 600 characters; keep it under 500"),
    ],
)
async def test_wrong_input_is_answered_with_what_to_do(
    warn_bot: BotTester, channel: Channel, text: str, expected: str
) -> None:
    reply = await warn_bot.run(text)
    assert reply.outcome is Outcome.REJECTED
    assert expected in (reply.text or ""), reply.text
    assert "Traceback" not in (reply.text or "")
    assert channel.posts == 0


@pytest.mark.parametrize(
    "hostile",
    [
        "<!channel> everyone look",
        "{{ ''.__class__ }}",
        "Terminal mati di Bandung 🚨 — 端末",
        "a\x00b",
    ],
)
async def test_hostile_and_unicode_text_is_kept_as_text(
    warn_bot: BotTester, channel: Channel, hostile: str
) -> None:
    reply = await warn_bot.run(f'/warn "{hostile}" #device/offline')
    assert reply.outcome is Outcome.OK, reply.text
    [(_, message, mention)] = channel.messages.values()
    assert message.text == hostile.replace("\x00", "")
    assert mention == "<!subteam^S0ONCALL>"  # only the configured mention is one


async def test_everyone_on_the_team_may_warn(warn_bot: BotTester, channel: Channel) -> None:
    for person in (ANI, BUDI, User(id="terminal:lina", name="lina")):
        reply = await warn_bot.run('/warn "offline" #device/offline', user=person)
        assert reply.outcome is Outcome.OK, reply.text
    assert channel.posts == 1 and channel.updates == 2


@pytest.mark.parametrize("mention", ["@oncall", "<!subteam^S0|x><!channel>", "<@u1>"])
def test_a_mention_that_is_not_slack_syntax_is_refused_naming_it(mention: str) -> None:
    with pytest.raises(ValidationError, match="is not a Slack mention"):
        KnowledgeSettings(warning_mention=mention)
    assert KnowledgeSettings(warning_mention="<!here>").warning_mention == "<!here>"
