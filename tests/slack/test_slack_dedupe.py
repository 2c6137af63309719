"""The first claim of a delivery wins; redeliveries and double clicks are recognised."""

from __future__ import annotations

from supportbot.slack import MemoryDedupe, delivery_key
from supportbot.slack.testing import block_actions, event_callback, slash_command


async def test_the_first_claim_wins_and_later_ones_lose() -> None:
    dedupe = MemoryDedupe()
    assert await dedupe.claim("event:Ev1")
    assert not await dedupe.claim("event:Ev1")
    assert await dedupe.claim("event:Ev2")


async def test_old_claims_are_forgotten_after_their_time() -> None:
    now = [0.0]
    dedupe = MemoryDedupe(ttl_s=10, clock=lambda: now[0])
    assert await dedupe.claim("k")
    now[0] = 11.0
    assert await dedupe.claim("k")


def test_each_kind_of_delivery_has_a_key_stable_across_redeliveries() -> None:
    event = event_callback({"type": "app_mention"}, event_id="Ev42")
    assert delivery_key(event) == "event:Ev42"
    command = slash_command("/help", response_url="http://x", trigger_id="123.456.abc")
    assert delivery_key(command) == "command:123.456.abc"
    click = block_actions("supportbot.share", value="x", response_url="http://x", trigger_id="9.9")
    assert delivery_key(click) == "block_actions:9.9"
    assert delivery_key({"type": "url_verification", "challenge": "c"}) is None
