"""ctx.find_merchant: a phone, an email or an id -> one merchant, a pick-list or "not found"."""

from __future__ import annotations

from supportbot import Context, MerchantMatch, MerchantRef, Outcome, Reply, command
from supportbot.testing import BotTester

MERCHANT = {"id": "M-10001", "name": "Toko Sinar Jaya", "city": "Bandung", "status": "active"}
OTHER = {"id": "M-10002", "name": "Warung Dua", "city": "Jakarta", "status": "suspended"}
found: list[MerchantMatch] = []


@command("who")
async def who_is(ctx: Context, who: MerchantRef) -> Reply:
    """Says which merchant `who` is.

    who: a phone number, an email or a merchant id
    """
    match = await ctx.find_merchant(who, pick="/who {id}")
    again = await ctx.find_merchant(who, pick="/who {id}")  # answered from the first time
    found.append(match)
    assert again is match
    if match.answer is not None:
        return match.answer
    return Reply(text=f"It is {match.merchant_id}")


def _search(*merchants: dict[str, str]) -> dict[str, object]:
    return {"merchants": {"/merchants": {"merchants": list(merchants)}}}


async def test_one_match_by_phone_is_the_merchant_with_its_profile() -> None:
    found.clear()
    async with BotTester.fake(_search(MERCHANT), commands=[who_is]) as fake:
        reply = await fake.run("/who 0812-3456-7890")
        assert reply.text == "It is M-10001"
        assert found[0].profile is not None and found[0].profile.name == "Toko Sinar Jaya"
        assert fake.bot.store is not None
        [row] = await fake.bot.store.audit.query(command="who")
    assert row.target == "M-10001"  # the audit record is about the merchant, not the number


async def test_several_matches_give_a_pick_list_running_the_given_command() -> None:
    async with BotTester.fake(_search(MERCHANT, OTHER), commands=[who_is]) as fake:
        reply = await fake.run("/who sinar@example.id")
    assert reply.title == "2 merchants match sinar@example.id"
    assert [c.command for c in reply.choices] == ["/who M-10001", "/who M-10002"]
    assert reply.choices[1].description == "Jakarta, suspended"


async def test_no_match_says_what_was_searched_and_offers_to_save_the_number() -> None:
    async with BotTester.fake(_search(), commands=[who_is]) as fake:
        reply = await fake.run("/who 0812-0000-1111")
    assert reply.outcome is Outcome.NOT_FOUND
    assert reply.text is not None and "No merchant found with the phone number 0812" in reply.text
    assert reply.footer is not None and reply.footer.startswith("If you know whose number")


async def test_a_failed_search_says_nothing_else_was_looked_up() -> None:
    async with BotTester.fake({"merchants": {"/merchants": 503}}, commands=[who_is]) as fake:
        reply = await fake.run("/who 0812-3456-7890")
    assert reply.outcome is Outcome.ERROR
    assert (
        reply.text == "Could not search merchants by phone number, so nothing else was looked up."
    )


async def test_a_merchant_id_is_taken_without_a_call() -> None:
    found.clear()
    async with BotTester.fake({"merchants": {}}, commands=[who_is]) as fake:
        reply = await fake.run("/who m-10001")
    assert reply.text == "It is M-10001" and found[0].profile is None
    assert found[0].not_found().outcome is Outcome.NOT_FOUND


async def test_hostile_and_unicode_references_never_reach_a_traceback() -> None:
    async with BotTester.fake(_search(), commands=[who_is]) as fake:
        for text in ["/who", "/who ../../etc", "/who 😀@例え.jp", "/who " + "9" * 5000]:
            reply = await fake.run(text)
            assert reply.outcome in (Outcome.NOT_FOUND, Outcome.REJECTED), (text, reply)
            assert "Traceback" not in (reply.text or "")
