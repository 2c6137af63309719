"""Personal data by audience, end to end over signed HTTP: nothing a channel can see carries a
raw phone number, email or street address, whatever the visibility; guests and users of another
team get the guest role only and never see personal data."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from supportbot.slack import serve_http
from supportbot.slack.testing import FakeSlack, SlackSender, SlackSigner, app_mention_event

from .conftest import AGENT, SIGNING_SECRET, bot_settings, slack_bot

RAW = ("0812-3456-7890", "+6281234567890", "sinar@example.id", "Jl. Tanjung Duren")
GUEST = "U0GUEST"
OUTSIDER = "U0OUTSIDE"


def _raw_in(value: Any) -> list[str]:
    text = json.dumps(value, ensure_ascii=False)
    return [raw for raw in RAW if raw in text]


def channel_visible(slack: FakeSlack) -> list[Any]:
    """Everything a channel's members can read: posts, updates, in_channel responses."""
    seen: list[Any] = [c.args for c in slack.calls_to("chat.postMessage")]
    seen += [c.args for c in slack.calls_to("chat.update")]
    seen += [r.body for r in slack.responses if r.body.get("response_type") == "in_channel"]
    return seen


def seen_by(slack: FakeSlack, user: str, url: str) -> list[Any]:
    private: list[Any] = [
        c.args for c in slack.calls_to("chat.postEphemeral") if c.args.get("user") == user
    ]
    return private + [r.body for r in slack.responses_to(url)]


@pytest.fixture
async def people(slack: FakeSlack) -> FakeSlack:
    slack.add_user(GUEST, "tamu", email="tamu@vendor.example", restricted=True)
    slack.add_user(OUTSIDER, "luar", email="luar@partner.example", team="T0PARTNER")
    return slack


@pytest.fixture(params=["ephemeral", "in_channel"])
async def sender_for(
    request: pytest.FixtureRequest, people: FakeSlack, tmp_path: Path
) -> AsyncIterator[SlackSender]:
    settings = bot_settings(
        tmp_path, slack={"visibility": request.param, "engineering_channel": "C0ENG"}
    )
    async with slack_bot(people, settings) as (_, adapter):
        async with serve_http(adapter, host="127.0.0.1", port=0) as url:
            async with SlackSender(url, SlackSigner(SIGNING_SECRET)) as sender:
                sender.adapter = adapter  # type: ignore[attr-defined]
                yield sender


async def _settle(sender: SlackSender) -> None:
    await sender.adapter.drain(10)  # type: ignore[attr-defined]


async def test_no_channel_visible_post_carries_personal_data(
    people: FakeSlack, sender_for: SlackSender
) -> None:
    slack, sender = people, sender_for
    url = slack.new_response_url()
    await sender.command("/merchant", "M-10001", response_url=url)
    await sender.event(app_mention_event("merchant 0812-3456-7890"))
    await sender.event(app_mention_event("merchant M-10001", thread_ts="1700000000.000001"))
    await _settle(sender)
    visible = channel_visible(slack)
    assert [_raw_in(post) for post in visible] == [[] for _ in visible]
    # The requester does see the full card when it is theirs alone.
    private = seen_by(slack, AGENT, url)
    if not any(p.get("response_type") == "in_channel" for p in private):
        assert any(_raw_in(p) for p in private)
    assert slack.problems == []


@pytest.mark.parametrize("who", [GUEST, OUTSIDER, "U0NOBODY"])
async def test_a_guest_an_outsider_or_an_unknown_user_sees_no_personal_data(
    who: str, people: FakeSlack, sender_for: SlackSender
) -> None:
    slack, sender = people, sender_for
    url = slack.new_response_url()
    await sender.command("/merchant", "M-10001", response_url=url, user_id=who)
    await sender.command("/transaction", "TX-1042", response_url=url, user_id=who)
    await sender.event(app_mention_event("merchant M-10001", user=who))
    await _settle(sender)
    everything = seen_by(slack, who, url) + channel_visible(slack)
    assert everything
    assert [_raw_in(post) for post in everything] == [[] for _ in everything]
    assert "rina.customer@example.id" not in json.dumps(everything)


async def test_a_guest_has_no_role_so_actions_are_refused(
    people: FakeSlack, sender_for: SlackSender
) -> None:
    slack, sender = people, sender_for
    url = slack.new_response_url()
    await sender.command("/refund", "TX-1042 1000 test", response_url=url, user_id=GUEST)
    await _settle(sender)
    [answer] = slack.responses_to(url)
    assert "cannot" in json.dumps(answer.body).lower()


async def test_a_payload_from_another_team_makes_the_user_a_guest(
    people: FakeSlack, sender_for: SlackSender
) -> None:
    slack, sender = people, sender_for
    # users.info says this workspace, the event says the user came from a partner's team.
    event = {**app_mention_event("merchant M-10001"), "user_team": "T0PARTNER"}
    await sender.event(event)
    await _settle(sender)
    [shown] = [c.args for c in slack.calls_to("chat.postEphemeral")] or channel_visible(slack)
    assert _raw_in(shown) == []
