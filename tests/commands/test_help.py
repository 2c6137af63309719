"""/help is generated from the loaded commands."""

from __future__ import annotations

from pathlib import Path

from supportbot import Outcome
from supportbot.testing import BotTester

from .conftest import COMMANDS


async def test_lists_every_bundled_command(bot: BotTester) -> None:
    reply = await bot.run("/help")
    labels = [f.label for f in reply.sections[0].fields]
    assert labels == sorted(f"/{spec.name}" for spec in bot.bot.registry)
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
