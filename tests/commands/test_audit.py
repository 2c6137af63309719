"""/audit: recent actions on a merchant or a transaction, for leads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from supportbot import Outcome, User
from supportbot.storage import RunRecord
from supportbot.testing import BotTester

LINA = User(id="terminal:lina", name="lina")


async def test_agents_may_not_read_it(bot: BotTester) -> None:
    reply = await bot.run("/audit M-10001")
    assert reply.outcome is Outcome.DENIED and "lead" in (reply.text or "")


async def test_a_merchant_shows_the_actions_on_it_and_on_its_transactions(
    bot: BotTester,
) -> None:
    await bot.run("/resend-receipt TX-1042", confirm=True)
    assert bot.bot.store is not None
    long_ago = datetime.now(UTC) - timedelta(minutes=30)
    await bot.bot.store.actions.claim_run(  # what a bot killed mid-action leaves
        RunRecord(
            idempotency_key="stale-key-0001",
            fingerprint="x",
            command="reset-pin",
            user_id="terminal:ani",
            user_name="ani",
            arguments="merchant=M-10001",
            target="M-10001",
            request_id="deadbeef0002",
            started_at=long_ago,
            lease_until=long_ago + timedelta(seconds=15),
        )
    )
    reply = await bot.run("/audit m10001", user=LINA)
    assert reply.outcome is Outcome.OK and reply.title == "Actions on M-10001"
    items = reply.sections[0].items
    assert len(items) == 2
    assert "/resend-receipt tx=TX-1042  done — by agent" in items[0]
    assert "/reset-pin merchant=M-10001  OUTCOME UNKNOWN — by ani" in items[1]
    by_tx = await bot.run("/audit TX-1042", user=LINA)
    assert len(by_tx.sections[0].items) == 1


async def test_nothing_yet_is_not_found(bot: BotTester) -> None:
    reply = await bot.run("/audit TX-1040", user=LINA)
    assert reply.outcome is Outcome.NOT_FOUND and "No actions on TX-1040" in (reply.text or "")


@pytest.mark.parametrize("about", ["0812-3456-7890", "nope", "M-1' OR 1=1", "x" * 3000, "Ⅿ-10001"])
async def test_only_ids_are_accepted(bot: BotTester, about: str) -> None:
    reply = await bot.run(f"/audit {about!r}", user=LINA)
    assert reply.outcome is Outcome.REJECTED and reply.text and "Traceback" not in reply.text
