"""Every command's help page, rendered as each kind of reader sees it, reads as sentences: no
fragment of a wrapped sentence on a line of its own, no type placeholder such as `<word>`, and
every example it shows runs through the parser as it stands."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from supportbot import User
from supportbot.core.errors import UsageError
from supportbot.core.parsing import bind, parse_command
from supportbot.core.render import render_text
from supportbot.dispatch.middleware.resolve import subcommand
from supportbot.slack import build_manifest
from supportbot.testing import BotTester

from .conftest import COMMANDS

READERS = [User(id="terminal:agent", name="agent"), User(id="terminal:lina", name="lina")]
# Type names that mean nothing to a reader: they stand where the argument's own name belongs.
PLACEHOLDERS = re.compile(r"<(word|text|number|flag)>|\b(word|free text)\b")
SENTENCE_END = (".", ":", ")", "?", "!")


def _help_pages() -> list[tuple[str, str]]:
    from supportbot.core.plugins import load_plugins

    registry = load_plugins([COMMANDS], entry_points=False).registry
    return [(spec.name, reader.name) for spec in registry for reader in READERS]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def help_bot() -> AsyncIterator[BotTester]:
    """One demo bot for every page: reading help changes nothing."""
    async with BotTester.demo(commands=[COMMANDS]) as bot:
        yield bot


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(("name", "reader"), _help_pages())
async def test_every_help_page_reads_as_sentences_without_placeholders(
    help_bot: BotTester, name: str, reader: str
) -> None:
    user = next(r for r in READERS if r.name == reader)
    reply = await help_bot.run(f"/help {name}", user=user)
    spec = help_bot.bot.registry.get(name)
    assert spec is not None and reply.outcome.value == "ok", reply.text
    page = render_text(reply)
    assert not PLACEHOLDERS.search(page), page
    for section in reply.sections:
        for paragraph in (section.text or "").split("\n\n"):
            if paragraph.strip():
                # One paragraph, one line, a whole sentence: a wrapped docstring line never
                # reaches the reader as a fragment.
                assert "\n" not in paragraph.strip(), paragraph
                assert paragraph[0].isupper() or paragraph[0] in "`/", paragraph
                assert paragraph.rstrip().endswith(SENTENCE_END), paragraph
        for field in section.fields:
            if field.label == "Example":
                parsed = subcommand(help_bot.bot.registry, parse_command(field.value))
                assert parsed.name in (spec.name, *spec.aliases)
                try:
                    bind(parsed.name, spec.params, parsed)
                except UsageError as exc:  # an example that does not run teaches nothing
                    pytest.fail(f"{field.value}: {exc.user_message}")
    flat = " ".join(page.split())
    if reply.sections and reply.sections[0].title == "How to use it":  # a reader who may run it
        for argument, text in spec.argument_help:
            assert " ".join(text.split()) in flat, argument  # whole, not split around a line


def test_the_slack_manifest_usage_hints_have_no_placeholders() -> None:
    from supportbot.core.plugins import load_plugins

    manifest = build_manifest(load_plugins([COMMANDS], entry_points=False).registry)
    for slash in manifest["features"]["slash_commands"]:
        hint = slash.get("usage_hint") or ""
        assert not PLACEHOLDERS.search(hint), (slash["command"], hint)


async def test_did_you_mean_never_names_a_command_hidden_from_the_reader() -> None:
    agent, lead = READERS
    async with BotTester.demo(commands=[COMMANDS], user=agent) as bot:
        hidden = await bot.run("/refnd TX-1042 1rb x")
        shown = await bot.run("/refnd TX-1042 1rb x", user=lead)
        ranked = await bot.run("/resend TX-1042")
    assert "/refund" not in (hidden.text or "")
    assert "Did you mean /refund" in (shown.text or "")
    assert "Did you mean /resend-receipt" in (ranked.text or "")
