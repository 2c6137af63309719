"""The database away under Slack: a click that cannot be recorded gets an answer, never
silence; readiness fails naming the problem while liveness stays up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp

from supportbot.slack import SlackAdapter
from supportbot.slack.testing import FakeSlack, SlackSender, block_actions
from supportbot.testing import BotTester


def confirm_button(body: dict[str, Any]) -> dict[str, Any]:
    for block in body["blocks"]:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element["text"]["text"] == "Confirm":
                return dict(element)
    raise AssertionError(f"no Confirm button in {body}")


async def test_a_confirm_click_the_database_cannot_record_is_answered_and_runs_nothing(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, tester: BotTester, tmp_path: Path
) -> None:
    url = slack.new_response_url()
    await sender.command("/resend-receipt", "TX-1042", response_url=url)
    await adapter.drain(10)
    confirm = confirm_button(slack.responses_to(url)[-1].body)
    (tmp_path / "supportbot.db").unlink()
    clicked = slack.new_response_url()
    payload = block_actions(confirm["action_id"], value=confirm["value"], response_url=clicked)
    assert (await sender.click(payload)).status == 200
    await adapter.drain(10)
    [answer] = [json.dumps(post.body) for post in slack.responses_to(clicked)]
    assert "Could not record your confirm, so nothing was done" in answer, answer
    assert tester.sample is not None and tester.sample.resends("TX-1042") == []


async def test_readiness_fails_naming_the_database_problem_while_liveness_stays_up(
    http_url: str, tester: BotTester, tmp_path: Path
) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{http_url}/readyz") as response:
            ready = await response.json()
            assert response.status == 200 and ready["database"]["ok"] is True, ready
        await tester.run("/help")
        (tmp_path / "supportbot.db").unlink()
        await tester.run("/help")  # its audit row goes to the spool
        async with session.get(f"{http_url}/readyz") as response:
            ready = await response.json()
            assert response.status == 503 and ready["ready"] is False, ready
        assert "was deleted or replaced" in ready["database"]["problem"]
        assert ready["database"]["spooled"] == 1, ready
        assert "1 row waits in the spool" in ready["database"]["detail"]
        async with session.get(f"{http_url}/healthz") as response:
            assert response.status == 200  # a restart would not bring the file back
