"""/merchant: one merged card, whatever form the merchant reference takes."""

from __future__ import annotations

import pytest

from supportbot import Outcome, Reply
from supportbot.sample import (
    DEMO_EMAIL,
    NO_BILLING_MERCHANT_ID,
    NO_DEVICES_MERCHANT_ID,
    SHARED_PHONE,
    SUSPENDED_MERCHANT_ID,
    UNICODE_MERCHANT_ID,
    UNKNOWN_VALID_PHONE,
)
from supportbot.testing import BotTester


def section(reply: Reply, prefix: str):
    return next(s for s in reply.sections if (s.title or "").startswith(prefix))


def field(reply: Reply, prefix: str, label: str) -> str:
    return next(f.value for f in section(reply, prefix).fields if f.label == label)


@pytest.mark.parametrize(
    "typed",
    [
        "0812-3456-7890",
        "0812 3456 7890",
        "+62 812 3456 7890",
        "6281234567890",
        DEMO_EMAIL,
        "M-10001",
        "m10001",
    ],
)
async def test_any_reference_finds_the_same_merged_card(bot: BotTester, typed: str) -> None:
    reply = await bot.run(f"/merchant {typed}")
    assert reply.outcome is Outcome.OK, reply.text
    assert reply.title == "Toko Sinar Jaya · M-10001"
    assert field(reply, "Merchant", "Owner") == "Budi Santoso"
    assert field(reply, "Merchant", "Phone") == "0812-3456-7890"
    assert field(reply, "Billing", "Plan").startswith("Pro")
    assert section(reply, "Devices").items
    assert any("TX-" in item for item in section(reply, "Recent transactions").items)
    assert reply.warnings == []


async def test_a_shared_phone_gives_a_pick_list(bot: BotTester) -> None:
    reply = await bot.run(f"/merchant {SHARED_PHONE}")
    assert reply.outcome is Outcome.OK
    assert len(reply.choices) == 2
    assert all(choice.command.startswith("/merchant M-") for choice in reply.choices)
    picked = await bot.run(reply.choices[1].command)
    assert picked.title and picked.title.endswith(reply.choices[1].command.split()[-1])


async def test_an_unknown_valid_number_is_not_found_and_says_what_was_searched(
    bot: BotTester,
) -> None:
    reply = await bot.run(f"/merchant {UNKNOWN_VALID_PHONE}")
    assert reply.outcome is Outcome.NOT_FOUND
    assert UNKNOWN_VALID_PHONE in (reply.text or "")


async def test_an_unknown_merchant_id_is_not_found(bot: BotTester) -> None:
    reply = await bot.run("/merchant M-99999")
    assert reply.outcome is Outcome.NOT_FOUND and "M-99999" in (reply.text or "")


async def test_a_short_number_is_rejected_before_any_service_is_called(bot: BotTester) -> None:
    reply = await bot.run("/merchant 0812")
    assert reply.outcome is Outcome.REJECTED
    assert reply.usage and reply.example
    assert bot.bot.store is not None
    [record] = await bot.bot.store.audit.query()
    assert record.service_errors in (None, [])


async def test_suspended_merchant_shows_why(bot: BotTester) -> None:
    reply = await bot.run(f"/merchant {SUSPENDED_MERCHANT_ID}")
    assert reply.text and reply.text.startswith("⛔ suspended:")


async def test_no_devices_is_said_plainly(bot: BotTester) -> None:
    reply = await bot.run(f"/merchant {NO_DEVICES_MERCHANT_ID}")
    assert section(reply, "Devices").text == "No devices registered."


async def test_no_billing_account_is_an_answer_not_a_warning(bot: BotTester) -> None:
    reply = await bot.run(f"/merchant {NO_BILLING_MERCHANT_ID}")
    assert section(reply, "Billing").text == "No billing account."
    assert reply.warnings == []


async def test_unicode_names_come_through(bot: BotTester) -> None:
    reply = await bot.run(f"/merchant {UNICODE_MERCHANT_ID}")
    assert reply.outcome is Outcome.OK and reply.title and not reply.title.isascii()


async def test_a_stopped_service_costs_its_section_and_is_named(bot: BotTester) -> None:
    await bot.sample.stop_service("billing")
    reply = await bot.run("/merchant 0812-3456-7890")
    assert reply.outcome is Outcome.OK
    assert [s.title for s in reply.sections if s.title and s.title.startswith("Billing")] == []
    assert field(reply, "Merchant", "Owner") == "Budi Santoso"
    assert [w.service for w in reply.warnings] == ["billing"]
    assert "billing could not be reached" in reply.warnings[0].text


async def test_merchants_down_on_a_phone_lookup_is_an_error_naming_it(bot: BotTester) -> None:
    await bot.sample.stop_service("merchants")
    reply = await bot.run("/merchant 0812-3456-7890")
    assert reply.outcome is Outcome.ERROR
    assert [w.service for w in reply.warnings] == ["merchants"]


async def test_the_audit_record_masks_the_phone_number(bot: BotTester) -> None:
    await bot.run("/merchant 0812-3456-7890")
    assert bot.bot.store is not None
    [record] = await bot.bot.store.audit.query()
    assert record.command == "merchant" and record.outcome == "ok"
    assert "3456" not in record.arguments and "7890" in record.arguments
    assert record.target is not None and "3456" not in record.target
