"""The App Home tab: published on `app_home_opened` with the headline numbers (the same reports
as /stats), what waits for the viewer's approval, their open interaction and the active known
issues; masked; a guest sees none of it. Checked against the fake's `views.publish`."""

from __future__ import annotations

import json
from typing import Any

import pytest

from supportbot import User
from supportbot.core.periods import Period
from supportbot.record.insight import Insight
from supportbot.slack import SlackAdapter
from supportbot.slack.testing import FakeSlack, SlackSender, app_home_opened_event
from supportbot.testing import BotTester

from .conftest import AGENT
from .test_slack_approvals import LEAD, _add_leads

RINA = User(id=AGENT, name="rina")
LINA = User(id=LEAD, name="lina", groups=frozenset({"support-leads"}))


async def open_home(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, user: str = AGENT
) -> str:
    sent = await sender.event(app_home_opened_event(user))
    assert sent.status == 200
    await adapter.drain(10)
    assert slack.problems == []
    view: dict[str, Any] = slack.home_views[user]
    assert view["type"] == "home"
    return json.dumps(view["blocks"], ensure_ascii=False)


async def test_the_home_tab_shows_todays_numbers_as_the_stats_count_them(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    await tester.run("/merchant M-10001", user=RINA)
    await tester.run("/merchant M-10002", user=RINA)
    store = tester.bot.store
    assert store is not None
    insight = Insight(store, tester.bot.settings, tester.bot.registry)
    today = await insight.commands(Period.days(1), window=insight.today())
    assert today.runs >= 2
    await tester.run("/log M-10001 #settlement/delayed", user=RINA)
    await tester.run("/done #resolution/solved", user=RINA)
    kpis = await insight.kpis(Period.days(7))
    shown = await open_home(slack, sender, adapter)
    assert "Support today" in shown
    assert f"*Lookups and actions today*\\n{today.runs + 2:,}" in shown
    assert f"*Contacts today*\\n1 ({kpis.contacts:,} this week)" in shown and kpis.contacts == 1
    sla = kpis.first_response_sla.percent
    assert f"*First response SLA this week*\\n{'—' if sla is None else f'{sla:.1f} %'}" in shown
    assert "No known issue is active" in shown and "Nothing waits for your approval" in shown
    assert "None open. Start one with /log" in shown


async def test_a_lead_sees_what_waits_for_their_approval_and_the_requester_does_not(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    _add_leads(slack)
    waiting = await tester.run("/reset-pin M-10001", user=RINA, confirm=True)
    assert "approv" in (waiting.text or "").lower()
    lead_view = await open_home(slack, sender, adapter, LEAD)
    assert "Waiting for your approval (1)" in lead_view and "/reset-pin for rina" in lead_view
    assert "0812-••••-7890" in lead_view and "3456-7890" not in lead_view.replace("••••-7890", "")
    own_view = await open_home(slack, sender, adapter, AGENT)
    assert "Waiting for your approval (0)" in own_view


async def test_the_open_interaction_and_active_issues_are_shown_masked(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    logged = await tester.run("/log 0812-3456-7890 #settlement/delayed", user=RINA)
    assert "Logged I-" in (logged.text or "")
    opened = await tester.run(
        '/incident open "QRIS late, call 0812-3456-7890" --tag settlement/delayed', user=LINA
    )
    assert "KI-" in json.dumps(opened.model_dump())
    shown = await open_home(slack, sender, adapter)
    assert "Your open interaction" in shown and "I-" in shown and "M-10001" in shown
    assert "Active known issues (1)" in shown and "QRIS late" in shown
    assert "0812-3456-7890" not in shown


async def test_it_is_refreshed_each_time_it_is_opened(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    first = await open_home(slack, sender, adapter)
    assert "None open" in first
    await tester.run("/log M-10001", user=RINA)
    second = await open_home(slack, sender, adapter)
    assert "None open" not in second and "open since" in second
    assert len(slack.calls_to("views.publish")) == 2


async def test_a_guest_sees_no_part_of_it(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester
) -> None:
    slack.add_user("U0GUEST", "tamu", restricted=True)
    await tester.run("/log M-10001", user=RINA)
    shown = await open_home(slack, sender, adapter, "U0GUEST")
    assert "Waiting" not in shown and "Lookups" not in shown and "M-10001" not in shown
    assert "Ask a support lead" in shown or "access" in shown.lower()


async def test_the_messages_tab_publishes_nothing(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    await sender.event(app_home_opened_event(AGENT, tab="messages"))
    await adapter.drain(10)
    assert slack.calls_to("views.publish") == []


async def test_a_part_that_cannot_be_read_says_so_and_the_rest_is_shown(
    slack: FakeSlack,
    sender: SlackSender,
    adapter: SlackAdapter,
    tester: BotTester,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = tester.bot.store
    assert store is not None

    async def broken() -> list[Any]:
        raise RuntimeError("database away")

    monkeypatch.setattr(store.incidents, "active", broken)
    with caplog.at_level("ERROR"):
        shown = await open_home(slack, sender, adapter)
    assert "Could not read the known issues just now" in shown
    assert "Lookups and actions today" in shown


async def test_the_fake_refuses_a_home_view_slack_refuses(
    slack: FakeSlack, adapter: SlackAdapter
) -> None:
    too_many = [{"type": "divider"}] * 101
    with pytest.raises(Exception, match="invalid_arguments"):
        await adapter.client.views_publish(user_id=AGENT, view={"type": "home", "blocks": too_many})
    with pytest.raises(Exception, match="user_not_found"):
        await adapter.client.views_publish(
            user_id="U0NOBODY", view={"type": "home", "blocks": [{"type": "divider"}]}
        )
