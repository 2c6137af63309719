"""Personal data: full values only for roles allowed to see them, masked for everyone else."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportbot import Context, Field, Reply, User, command, load_settings
from supportbot.testing import BotTester

AGENT = User(id="terminal:agent", name="agent")
LINA = User(id="terminal:lina", name="lina")  # a lead in config/supportbot.toml


@command("who")
async def who(ctx: Context) -> Reply:
    """A card with personal data."""
    reply = Reply(title="Toko Sinar Jaya", text="Call 0812-3456-7890 or mail sinar@example.id")
    section = reply.section("Merchant")
    section.fields += [
        Field(label="Phone", value="0812-3456-7890", personal=True),
        Field(label="Address", value="Jl. Tanjung Duren Raya No. 45", personal=True),
        Field(label="City", value="Jakarta Barat"),
    ]
    section.items.append("second phone +62 813 9876 5432")
    return reply


def _settings(tmp_path: Path, roles: list[str]):
    return load_settings(
        None,
        data_dir=str(tmp_path),
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        personal_data_roles=roles,
    )


@pytest.mark.parametrize("user", [AGENT, LINA])
async def test_without_the_setting_everyone_sees_full_values(tmp_path: Path, user: User) -> None:
    async with BotTester.fake({}, commands=[who], settings=_settings(tmp_path, [])) as bot:
        reply = await bot.run("/who", user=user)
    assert "0812-3456-7890" in (reply.text or "")
    assert reply.sections[0].fields[0].value == "0812-3456-7890"


async def test_a_role_outside_personal_data_roles_sees_everything_masked(tmp_path: Path) -> None:
    async with BotTester.fake({}, commands=[who], settings=_settings(tmp_path, ["lead"])) as bot:
        masked = await bot.run("/who", user=AGENT)
        full = await bot.run("/who", user=LINA)
    dumped = masked.model_dump_json()
    for raw in ("0812-3456-7890", "sinar@example.id", "Tanjung Duren", "9876-5432"):
        assert raw not in dumped, raw
    assert masked.text == "Call 0812-••••-7890 or mail s•••@example.id"
    assert [f.value for f in masked.sections[0].fields] == [
        "0812-••••-7890",
        "•••",
        "Jakarta Barat",
    ]
    assert full.sections[0].fields[1].value == "Jl. Tanjung Duren Raya No. 45"
