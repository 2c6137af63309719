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


async def test_tags_that_meet_an_active_issue_suggest_the_link(record_bot: BotTester) -> None:
    opened = await record_bot.run(
        '/incident open "Terminals offline in Bandung" --match city=Bandung --tags device/offline',
        user=LINA,
    )
    assert opened.outcome is Outcome.OK, opened.text
    logged = await record_bot.run("/log M-10001 terminal will not connect")
    ref = next(w for w in (logged.text or "").split() if w.startswith("I-"))
    tagged = await record_bot.run(f"/tag {ref} +device/offline")
    [section] = [s for s in tagged.sections if s.title == "Known issues with these tags"]
    assert section.items == [
        "KI-1 Terminals offline in Bandung (investigating) concerns #device/offline: link it "
        f"with /incident link KI-1 {ref}"
    ]
    linked = await record_bot.run(f"/incident link KI-1 {ref}")
    assert linked.outcome is Outcome.OK, linked.text
    # linked now, or a tag the issue does not concern: no suggestion
    again = await record_bot.run(f"/tag {ref} -device/offline +device/offline")
    assert all(s.title != "Known issues with these tags" for s in again.sections)
    other = await record_bot.run(f"/tag {ref} +payment/qris")
    assert all(s.title != "Known issues with these tags" for s in other.sections)


async def test_a_logged_contact_with_an_issue_tag_suggests_the_link(
    record_bot: BotTester,
) -> None:
    await record_bot.run('/incident open "QRIS down" --tag payment/qris', user=LINA)
    logged = await record_bot.run("/log M-10002 #payment/qris QR code not accepted")
    ref = next(w for w in (logged.text or "").split() if w.startswith("I-"))
    [section] = [s for s in logged.sections if s.title == "Known issues with these tags"]
    assert section.items == [
        f"KI-1 QRIS down (investigating) concerns #payment/qris: link it with "
        f"/incident link KI-1 {ref}"
    ]
    await record_bot.run("/incident status KI-1 resolved", user=LINA)
    resolved = await record_bot.run(f"/tag {ref} +payment/qris")
    assert all(s.title != "Known issues with these tags" for s in resolved.sections)
