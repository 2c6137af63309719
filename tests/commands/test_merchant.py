"""/merchant: one merged card, whatever form the merchant reference takes."""

from __future__ import annotations

import pytest

from supportbot import Outcome, Reply
from supportbot.sample import (
    DEMO_EMAIL,
    NO_BILLING_MERCHANT_ID,
    NO_DEVICES_MERCHANT_ID,
    PAST_DUE_MERCHANT_ID,
    SHARED_PHONE,
    SUSPENDED_MERCHANT_ID,
    UNICODE_MERCHANT_ID,
    UNKNOWN_VALID_PHONE,
)
from supportbot.testing import BotTester

from .conftest import COMMANDS


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


# --- the profile decides the outcome ---------------------------------------------------------

SERVICES = ("merchants", "billing", "devices", "transactions")


async def test_nothing_reachable_is_an_error_that_says_the_merchant_could_not_be_looked_up(
    bot: BotTester,
) -> None:
    for name in SERVICES:
        await bot.sample.stop_service(name)
    reply = await bot.run("/merchant M-10001")
    assert reply.outcome is Outcome.ERROR
    assert reply.text and reply.text.startswith("Could not look up merchant M-10001")
    assert reply.sections == [] and reply.footer is None
    assert sorted(w.service for w in reply.warnings) == sorted(SERVICES)
    assert bot.bot.store is not None
    [record] = await bot.bot.store.audit.query()
    assert record.outcome == "error"


async def test_merchants_down_on_an_id_lookup_is_an_error_with_a_card_marked_partial(
    bot: BotTester,
) -> None:
    await bot.sample.stop_service("merchants")
    reply = await bot.run("/merchant M-10001")
    assert reply.outcome is Outcome.ERROR
    assert reply.text and reply.text.startswith("Could not look up merchant M-10001")
    assert "Partial card" in reply.text and "billing, devices and transactions" in reply.text
    assert [s.source for s in reply.sections] == ["billing", "devices", "transactions"]
    assert reply.footer and "partial" in reply.footer
    assert [w.service for w in reply.warnings] == ["merchants"]


async def test_merchants_down_and_no_other_service_knows_the_id_is_not_found(
    bot: BotTester,
) -> None:
    await bot.sample.stop_service("merchants")
    reply = await bot.run("/merchant M-99999")
    assert reply.outcome is Outcome.NOT_FOUND
    assert reply.sections == []  # never a card with "No billing account." for nobody
    assert reply.text and "M-99999" in reply.text and "merchants could not be asked" in reply.text


@pytest.mark.parametrize(
    "answer",
    [503, 500, [], {"name": "no id"}, "not an object"],
    ids=["503", "500", "list", "no-id", "string"],
)
async def test_a_failing_or_garbled_profile_is_never_an_ok_card(answer: object) -> None:
    async with BotTester.fake(
        {
            "merchants": {"/merchants/M-10001": answer},
            "billing": {"/accounts/M-10001": {"plan": "Pro", "status": "active"}},
            "devices": {"/merchants/M-10001/devices": {"devices": []}},
            "transactions": {"/merchants/M-10001/transactions": {"transactions": []}},
        },
        commands=[COMMANDS],
    ) as fake:
        reply = await fake.run("/merchant M-10001")
    assert reply.outcome is Outcome.ERROR, reply
    assert reply.text and reply.text.startswith("Could not look up merchant M-10001")
    assert [s.source for s in reply.sections] == ["billing", "devices", "transactions"]
    assert [w.service for w in reply.warnings] == ["merchants"]


async def test_a_dead_billing_on_an_id_lookup_still_gives_an_ok_card(bot: BotTester) -> None:
    await bot.sample.stop_service("billing")
    reply = await bot.run("/merchant M-10001")
    assert reply.outcome is Outcome.OK
    assert reply.title == "Toko Sinar Jaya · M-10001"
    assert [w.service for w in reply.warnings] == ["billing"]


# --- not found: the hint fits what was searched ----------------------------------------------


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        (UNKNOWN_VALID_PHONE, "Check the number with the customer, or try their email or"),
        ("nobody@example.id", "Check the spelling with the customer, or try their phone number"),
        ("ñandú.☕@example.id", "Check the spelling with the customer"),
        ("M-99999", "Check the id with the customer (it looks like M-10001), or try their phone"),
    ],
)
async def test_the_not_found_hint_fits_what_was_searched(
    bot: BotTester, typed: str, hint: str
) -> None:
    reply = await bot.run(f"/merchant {typed}")
    assert reply.outcome is Outcome.NOT_FOUND
    assert reply.text and hint in reply.text
    kind = "phone" if typed.startswith("+") else "email" if "@" in typed else "id"
    if kind != "phone":
        assert "Check the number" not in reply.text
    if kind == "email":
        assert "their email" not in reply.text
    if kind == "id":
        assert "or merchant id" not in reply.text


# --- statuses read as words; long pick-lists say they were cut -------------------------------


async def test_statuses_are_shown_as_words_not_codes(bot: BotTester) -> None:
    reply = await bot.run(f"/merchant {PAST_DUE_MERCHANT_ID}")
    assert field(reply, "Billing", "Plan").endswith("(past due)")
    items = section(reply, "Recent transactions").items
    assert any(item.endswith("receipt not sent") for item in items)
    shown = [f.value for s in reply.sections for f in s.fields] + [
        item for s in reply.sections for item in s.items
    ]
    assert not [value for value in shown if "past_due" in value or "not_sent" in value]


async def test_unknown_status_codes_from_a_service_read_as_words_too() -> None:
    profile = {"id": "M-10001", "name": "Toko", "status": "under_review", "kyc": "needs_docs"}
    async with BotTester.fake(
        {
            "merchants": {"/merchants/M-10001": profile},
            "billing": {"/accounts/M-10001": {"plan": "Pro", "status": "grace_period"}},
            "devices": {
                "/merchants/M-10001/devices": {
                    "devices": [{"serial": "E1", "status": "low_battery"}]
                }
            },
            "transactions": {
                "/merchants/M-10001/transactions": {
                    "transactions": [{"id": "TX-1", "status": "partially_refunded"}]
                }
            },
        },
        commands=[COMMANDS],
    ) as fake:
        reply = await fake.run("/merchant M-10001")
    assert reply.outcome is Outcome.OK
    assert reply.text == "• under review"
    assert field(reply, "Merchant", "KYC") == "needs docs"
    assert field(reply, "Billing", "Plan") == "Pro (grace period)"
    assert "low battery" in section(reply, "Devices").items[0]
    assert "partially refunded" in section(reply, "Recent transactions").items[0]


def _search_answer(count: int) -> dict[str, object]:
    return {
        "merchants": [
            {"id": f"M-{20000 + n}", "name": f"Toko {n} 金龙", "city": "Bogor", "status": "active"}
            for n in range(count)
        ]
    }


@pytest.mark.parametrize(("count", "more"), [(21, 1), (25, 5), (5_000, 4_980)])
async def test_a_long_pick_list_says_how_many_more_there_are(count: int, more: int) -> None:
    async with BotTester.fake(
        {"merchants": {"/merchants": _search_answer(count)}}, commands=[COMMANDS]
    ) as fake:
        reply = await fake.run("/merchant 0812-3456-7890")
    assert reply.outcome is Outcome.OK
    assert reply.title == f"{count} merchants match 0812-3456-7890"
    assert len(reply.choices) == 20
    assert reply.footer == f"… and {more:,} more; search by merchant id."


async def test_a_pick_list_of_twenty_is_not_marked_as_cut() -> None:
    async with BotTester.fake(
        {"merchants": {"/merchants": _search_answer(20)}}, commands=[COMMANDS]
    ) as fake:
        reply = await fake.run("/merchant 0812-3456-7890")
    assert len(reply.choices) == 20 and reply.footer is None
