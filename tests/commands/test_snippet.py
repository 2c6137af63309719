"""/snippet and /snippets: rendered from a live lookup, strict, led by leads, hostile input."""

from __future__ import annotations

import pytest

from supportbot import Outcome, User
from supportbot.sample import DEMO_MERCHANT_ID, DEMO_PHONE
from supportbot.testing import BotTester

LINA = User(id="terminal:lina", name="lina")  # a lead
ANI = User(id="terminal:ani", name="ani")  # weekend staff, not a lead


async def test_a_snippet_renders_with_the_live_merchant_name(bot: BotTester) -> None:
    reply = await bot.run(f"/snippet greeting::first-reply {DEMO_MERCHANT_ID}")
    assert reply.outcome is Outcome.OK
    assert reply.text is not None and reply.text.startswith("Hi Budi, thanks for contacting us")
    assert "Toko Sinar Jaya" in reply.text
    assert reply.footer == f"greeting::first-reply v1 for {DEMO_MERCHANT_ID} · copy and send"


async def test_a_phone_number_finds_the_merchant_too(bot: BotTester) -> None:
    reply = await bot.run(f"/snippet greeting::first-reply {DEMO_PHONE}")
    assert reply.outcome is Outcome.OK and "Toko Sinar Jaya" in (reply.text or "")


async def test_a_field_the_lookup_lacks_without_a_fallback_is_refused_and_named(
    bot: BotTester,
) -> None:
    added = await bot.run(
        "/snippet add billing::next-invoice Your next invoice: {{ next_invoice }}.", user=LINA
    )
    assert added.outcome is Outcome.OK, added.text
    # M-10003 is closed: its account has no next invoice.
    reply = await bot.run("/snippet billing::next-invoice M-10003")
    assert reply.outcome is Outcome.REJECTED
    assert "{{ next_invoice }} is empty for this merchant" in (reply.text or "")
    assert "Your next invoice" not in (reply.text or "")  # nothing half-filled
    given = await bot.run("/snippet billing::next-invoice M-10003 next_invoice=never")
    assert given.text == "Your next invoice: never."


async def test_an_ask_not_given_is_named_with_what_to_type(bot: BotTester) -> None:
    reply = await bot.run(f"/snippet billing::refund-delayed {DEMO_MERCHANT_ID}")
    assert reply.outcome is Outcome.REJECTED
    assert "asks you for days=... (working days the bank takes" in (reply.text or "")
    assert reply.example == f"/snippet billing::refund-delayed {DEMO_MERCHANT_ID} days=..."
    done = await bot.run(f"/snippet billing::refund-delayed {DEMO_MERCHANT_ID} days=3")
    assert "up to 3 working days" in (done.text or "")


async def test_every_use_is_counted(bot: BotTester) -> None:
    for _ in range(2):
        await bot.run(f"/snippet greeting::first-reply {DEMO_MERCHANT_ID}")
    await bot.run(f"/snippet billing::refund-delayed {DEMO_MERCHANT_ID}")  # refused: not a use
    assert bot.bot.store is not None
    assert await bot.bot.store.snippets.use_counts() == {"greeting::first-reply": 2}
    listed = await bot.run("/snippets greeting")
    assert listed.sections[0].items == [
        "greeting::first-reply — First reply to a new contact (v1, used 2×)"
    ]


async def test_the_list_ranks_prefix_over_substring_over_body(bot: BotTester) -> None:
    reply = await bot.run("/snippets outage")
    keys = [item.split(" — ")[0] for item in reply.sections[0].items]
    assert keys[:2] == ["outage::card-terminals", "outage::resolved"]
    none = await bot.run("/snippets zzzz-nothing")
    assert none.outcome is Outcome.NOT_FOUND and "No snippet matches 'zzzz-nothing'" in (
        none.text or ""
    )


async def test_leads_edit_and_each_edit_is_a_version_with_who(bot: BotTester) -> None:
    await bot.run("/snippet add device::battery Charge the {{ device_model }}.", user=LINA)
    edited = await bot.run(
        '/snippet edit device::battery Charge your {{ device_model | default("terminal") }}.',
        user=User(id="terminal:dewi", name="dewi"),
    )
    assert "version 2 by dewi" in (edited.text or "")
    shown = await bot.run("/snippet show device::battery")
    assert [i.split(",")[0] for i in shown.sections[1].items] == ["v2 by dewi", "v1 by lina"]


@pytest.mark.parametrize(
    "text",
    [
        "/snippet add x::y hi",
        "/snippet edit greeting::first-reply hi",
    ],
)
async def test_only_leads_change_the_library(bot: BotTester, text: str) -> None:
    reply = await bot.run(text, user=ANI)
    assert reply.outcome is Outcome.DENIED and "lead role" in (reply.text or "")
    assert bot.bot.store is not None
    assert (await bot.bot.store.snippets.current("greeting::first-reply")).version == 1  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("{{ ''.__class__ }}", "attribute access"),
        ("{{ merchant_name.__class__.__mro__ }}", "attribute access"),
        ("{{ cycler.__init__.__globals__ }}", "attribute access"),
        ("{% for i in range(100000000) %}x{% endfor %}", "a loop"),
        ("{{ range(10) }}", "a function call"),
        ("{{ merchant_name['x'] }}", "item access"),
        ("{% set a = 1 %}", "{% set %}"),
        ("{{ unknown_thing }}", "Unknown placeholder {{ unknown_thing }}"),
        ("{{ merchant_name", "cannot be read"),
        ("x" * 5000, "too long"),  # the chat line limit comes first
    ],
)
async def test_a_hostile_body_is_refused_when_saved(bot: BotTester, body: str, words: str) -> None:
    reply = await bot.run(f"/snippet add evil::body {body}", user=LINA)
    assert reply.outcome is Outcome.REJECTED, reply.text
    assert words in (reply.text or "")
    assert bot.bot.store is not None and await bot.bot.store.snippets.current("evil::body") is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("/snippet nope::nothing M-10001", "No snippet 'nope::nothing'"),
        ("/snippet greeting::first-reply M-99999", "No merchant M-99999"),
        ("/snippet greeting::first-reply M-10001 =x", "is not name=value"),
        ("/snippet greeting::first-reply M-10001 bogus=1", "Unknown placeholder {{ bogus }}"),
        ("/snippet 'drop table'::x M-10001", "is not a snippet key"),
        ("/snippet greeting::first-reply not-a-merchant", "merchant"),
        ('/snippet greeting::first-reply M-10001 "unclosed', "quote"),
        ("/snippet add greeting::first-reply hi", "already exists"),
    ],
)
async def test_hostile_or_wrong_input_is_answered_with_what_to_do(
    bot: BotTester, text: str, words: str
) -> None:
    reply = await bot.run(text, user=LINA)
    assert reply.outcome in (Outcome.REJECTED, Outcome.NOT_FOUND), reply.text
    assert words in (reply.text or ""), reply.text
    assert "Traceback" not in (reply.text or "")


async def test_the_placeholders_are_listed(bot: BotTester) -> None:
    reply = await bot.run("/snippets placeholders")
    assert "{{ owner_first_name }} — the owner's first name" in reply.sections[0].items


async def test_a_use_is_attached_to_the_open_interaction_with_that_merchant(
    bot: BotTester,
) -> None:
    logged = await bot.run(f"/log {DEMO_MERCHANT_ID} asked about a refund")
    ref = next(w for w in (logged.text or "").split() if w.startswith("I-"))
    used = await bot.run(f"/snippet greeting::first-reply {DEMO_MERCHANT_ID}")
    assert used.footer == (
        f"greeting::first-reply v1 for {DEMO_MERCHANT_ID} · counted in {ref} · copy and send"
    )
    # another merchant while the interaction is open: counted, but not in that interaction
    other = await bot.run("/snippet greeting::first-reply M-10002")
    assert "counted in" not in (other.footer or "")
    assert bot.bot.store is not None
    [attached] = await bot.bot.store.snippets.uses_of_interaction(ref)
    assert attached.key == "greeting::first-reply" and attached.merchant_id == DEMO_MERCHANT_ID
    assert await bot.bot.store.snippets.use_counts() == {"greeting::first-reply": 2}
    await bot.run("/done #resolution/solved")
    after = await bot.run(f"/snippet greeting::first-reply {DEMO_MERCHANT_ID}")
    assert "counted in" not in (after.footer or "")  # closed: nothing open to attach to
    assert len(await bot.bot.store.snippets.uses_of_interaction(ref)) == 1
    listed = await bot.run("/snippets greeting")
    assert listed.sections[0].items == [
        "greeting::first-reply — First reply to a new contact (v1, used 3×)"
    ]
