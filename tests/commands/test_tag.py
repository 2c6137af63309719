"""/tag and /tags: the taxonomy, did-you-mean, limits, leads adding tags.

On SQLite and PostgreSQL, against the real sample services."""

from __future__ import annotations

from supportbot import Outcome
from supportbot.testing import BotTester

from .conftest import LINA


async def test_an_unknown_tag_is_refused_with_a_suggestion(record_bot: BotTester) -> None:
    reply = await record_bot.run("/tag M-10001 +nonsense")
    assert reply.outcome is Outcome.REJECTED
    # Nothing is close to "nonsense": the answer names the groups instead of far-off tags.
    assert "Did you mean" not in (reply.text or "")
    assert "the groups are account, billing, device" in (reply.text or "")
    assert "/tags lists every tag" in (reply.text or "")
    close = await record_bot.run("/tag M-10001 +settlement/delayd")
    assert "Did you mean settlement/delayed" in (close.text or "")


async def test_tags_come_off_and_the_limit_holds(record_bot: BotTester) -> None:
    assert (
        await record_bot.run("/tag M-10001 +device/offline +payment/qris")
    ).outcome is Outcome.OK
    off = await record_bot.run("/tag M-10001 -device/offline")
    assert "1 removed" in (off.text or "")
    many = " ".join(
        f"+{t}"
        for t in [
            "settlement/delayed",
            "settlement/missing",
            "settlement/amount",
            "device/broken",
            "account/pin",
        ]
    )
    too_many = await record_bot.run(f"/tag M-10001 {many}")
    assert too_many.outcome is Outcome.REJECTED and "at most 5" in (too_many.text or "")


async def test_only_leads_add_tags_to_the_taxonomy(record_bot: BotTester) -> None:
    refused = await record_bot.run("/tags add payment/ewallet E-wallets")
    assert refused.outcome is Outcome.REJECTED and "lead" in (refused.text or "")
    assert (
        await record_bot.run("/tags add payment/ewallet E-wallets", user=LINA)
    ).outcome is Outcome.OK
    assert (await record_bot.run("/tag M-10001 +payment/ewallet")).outcome is Outcome.OK
    listed = await record_bot.run("/tags payment")
    assert any("payment/ewallet" in item for s in listed.sections for item in s.items)
