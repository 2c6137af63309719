"""/help is generated from the loaded commands."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from supportbot import Context, Outcome, Reply, Settings, User, command
from supportbot.access.roles import may_run
from supportbot.testing import BotTester

from .conftest import COMMANDS


async def test_lists_every_bundled_command_the_user_may_run(bot: BotTester) -> None:
    reply = await bot.run("/help")
    labels = [f.label for f in reply.sections[0].fields]
    settings = bot.bot.settings
    assert labels == sorted(
        f"/{spec.name}" for spec in bot.bot.registry if may_run(spec, bot.user, settings)
    )
    assert {"/merchant", "/transaction", "/resend-receipt", "/help"} <= set(labels)


async def test_explains_one_command_with_usage_and_examples(bot: BotTester) -> None:
    reply = await bot.run("/help /merchant")
    fields = {f.label: f.value for f in reply.sections[0].fields}
    assert fields["Usage"].startswith("/merchant ")
    assert "/merchant 0812-3456-7890" in [f.value for f in reply.sections[0].fields]
    assert "phone number" in reply.sections[1].fields[0].value


async def test_unknown_topic_suggests_a_command(bot: BotTester) -> None:
    reply = await bot.run("/help merchnat")
    assert reply.outcome is Outcome.NOT_FOUND and "/merchant" in (reply.text or "")


async def test_a_new_file_in_the_folder_shows_up_with_no_other_change(tmp_path: Path) -> None:
    folder = tmp_path / "commands"
    folder.mkdir()
    for path in COMMANDS.glob("*.py"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "greet.py").write_text(
        "from supportbot import Context, command\n\n"
        '@command("greet", help="Say hello to the team")\n'
        "async def greet(ctx: Context) -> str:\n"
        "    return 'hello'\n",
        encoding="utf-8",
    )
    async with BotTester.demo(commands=[folder]) as bot:
        reply = await bot.run("/help")
        assert {"label": "/greet", "value": "Say hello to the team", "personal": False} in [
            f.model_dump() for f in reply.sections[0].fields
        ]
        assert (await bot.run("/greet")).text == "hello"


# --- what a user may run -------------------------------------------------------------------


@command("lookup", help="Look something up")
async def lookup(ctx: Context) -> str:
    return "found"


@command(
    "payout", help="Pay a merchant out", roles={"lead"}, confirm="Pay out?", rate_limit="5/day"
)
async def payout(ctx: Context) -> Reply:
    """Sends the merchant's balance to their bank account."""
    return Reply(text="paid")


@command("wipe", help="Wipe a device", approval="lead", channels=("C0ACTIONS1",))
async def wipe(ctx: Context) -> Reply:
    return Reply(text="wiped")


AGENT = User(id="U0AGENT01", name="Ani")
LEAD = User(id="U0LEAD001", name="Lina")
ROLES = {"lead": {"members": ["U0LEAD001"], "description": "support leads"}}


@pytest.fixture
async def access_bot(tmp_path: Path) -> AsyncIterator[BotTester]:
    folder = tmp_path / "commands"
    folder.mkdir()
    shutil.copy(COMMANDS / "help.py", folder / "help.py")
    async with BotTester.fake({}, commands=[folder, lookup, payout, wipe]) as tester:
        configure(tester, roles=ROLES, access_help="Ask in #support-leads.")
        yield tester


def configure(tester: BotTester, **values: Any) -> None:
    base = tester.bot.settings.model_dump()
    tester.bot = tester.bot.with_settings(Settings.model_validate({**base, **values}))


def labels(reply: Reply) -> list[str]:
    return [f.label for f in reply.sections[0].fields]


async def test_the_list_hides_commands_the_users_roles_do_not_allow(
    access_bot: BotTester,
) -> None:
    assert labels(await access_bot.run("/help", user=AGENT)) == ["/help", "/lookup", "/wipe"]
    assert labels(await access_bot.run("/help", user=LEAD)) == [
        "/help",
        "/lookup",
        "/payout",
        "/wipe",
    ]


async def test_the_list_follows_command_roles_in_the_configuration(access_bot: BotTester) -> None:
    configure(access_bot, roles=ROLES, command_roles={"payout": ["agent"], "lookup": ["lead"]})
    assert labels(await access_bot.run("/help", user=AGENT)) == ["/help", "/payout", "/wipe"]


async def test_a_command_the_user_may_not_run_says_who_may_instead_of_its_usage(
    access_bot: BotTester,
) -> None:
    reply = await access_bot.run("/help payout", user=AGENT)
    assert reply.outcome is Outcome.OK and reply.title == "/payout"
    assert reply.usage is None
    everything = reply.model_dump_json()
    assert "Usage" not in everything and "Example" not in everything
    assert reply.footer == (
        "You cannot run /payout: it is for people with the lead role. Ask in #support-leads."
    )
    fields = {f.label: f.value for f in reply.sections[0].fields}
    assert fields["Who"] == "lead (support leads)"


async def test_a_command_the_user_may_run_shows_its_roles_approval_channels_and_limit(
    access_bot: BotTester,
) -> None:
    reply = await access_bot.run("/help payout", user=LEAD)
    sections = {section.title: section for section in reply.sections}
    usage = {f.label: f.value for f in sections["How to use it"].fields}
    assert usage["Usage"] == "/payout"
    access = {f.label: f.value for f in sections["Who can run it"].fields}
    assert access == {"Who": "lead (support leads)", "Limit": "at most 5 runs per person per day"}
    wipe_help = await access_bot.run("/help wipe", user=AGENT)
    access = {f.label: f.value for f in wipe_help.sections[-1].fields}
    assert access == {
        "Approval": "each run waits until someone with the lead role, other than you, approves it",
        "Where": "in Slack only in C0ACTIONS1",
    }


async def test_a_command_for_everyone_has_no_access_section(access_bot: BotTester) -> None:
    reply = await access_bot.run("/help lookup", user=AGENT)
    assert "Who can run it" not in [section.title for section in reply.sections]


async def test_an_unknown_topic_does_not_suggest_a_hidden_command(access_bot: BotTester) -> None:
    hidden = await access_bot.run("/help payot", user=AGENT)
    assert hidden.outcome is Outcome.NOT_FOUND and "/payout" not in (hidden.text or "")
    shown = await access_bot.run("/help payot", user=LEAD)
    assert "Did you mean /payout?" in (shown.text or "")
