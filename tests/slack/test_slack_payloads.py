"""Slack payloads become the command lines the core runs."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from supportbot.slack import delivery_key
from supportbot.slack._payloads import (
    command_text,
    event_text,
    is_direct_message,
    typed_command_name,
)
from supportbot.slack.testing import (
    app_mention_event,
    block_actions,
    direct_message_event,
    event_callback,
    slash_command,
)


def test_a_slash_command_is_its_name_and_its_text() -> None:
    body = slash_command("/merchant", "0812-3456-7890", response_url="http://x")
    assert command_text(body) == "/merchant 0812-3456-7890"
    assert command_text(slash_command("/help", "", response_url="http://x")) == "/help"


def test_an_email_that_slack_turned_into_a_link_is_plain_again() -> None:
    body = slash_command(
        "/merchant", "<mailto:sinar@example.id|sinar@example.id>", response_url="http://x"
    )
    assert command_text(body) == "/merchant sinar@example.id"


def test_a_mention_loses_the_bots_name_and_gains_a_slash() -> None:
    event = app_mention_event("merchant 0812-3456-7890", bot_user_id="U0BOT")
    assert event_text(event, "U0BOT") == "/merchant 0812-3456-7890"


def test_a_mention_of_someone_else_is_kept() -> None:
    event = {"text": "<@U0BOT> note <@U999> called"}
    assert event_text(event, "U0BOT") == "/note <@U999> called"


def test_a_dm_may_be_typed_with_or_without_the_slash() -> None:
    assert event_text(direct_message_event("merchant M-10001"), "U0BOT") == "/merchant M-10001"
    assert event_text(direct_message_event("/help"), "U0BOT") == "/help"


def test_only_plain_messages_from_people_in_the_dm_count() -> None:
    assert is_direct_message(direct_message_event("help"))
    assert not is_direct_message({**direct_message_event("help"), "subtype": "message_changed"})
    assert not is_direct_message({**direct_message_event("help"), "bot_id": "B1"})
    assert not is_direct_message({**direct_message_event("help"), "channel_type": "channel"})


def test_the_typed_command_name() -> None:
    assert typed_command_name("/M 0812") == "m"
    assert typed_command_name("  ") == ""


def test_every_built_payload_is_a_new_delivery() -> None:
    keys = set()
    for _ in range(500):
        keys.add(delivery_key(slash_command("/help", response_url="http://x")))
        keys.add(delivery_key(block_actions("a", value="v", response_url="http://x")))
        keys.add(delivery_key(event_callback(direct_message_event("help"))))
    assert len(keys) == 1500


IDS_OF_A_NEW_PROCESS = """
import json
from supportbot.slack.testing import block_actions, event_callback, slash_command
print(json.dumps([
    slash_command("/help", response_url="http://x")["trigger_id"],
    block_actions("a", value="v", response_url="http://x")["trigger_id"],
    event_callback({"type": "app_mention"})["event_id"],
]))
"""


def test_a_script_run_again_sends_ids_it_never_sent_before() -> None:
    # Run twice against the same database, the same ids would be taken as redeliveries.
    def ids_of_one_run() -> list[str]:
        ran = subprocess.run(
            [sys.executable, "-c", IDS_OF_A_NEW_PROCESS],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        ids: list[str] = json.loads(ran.stdout)
        return ids

    first, second = ids_of_one_run(), ids_of_one_run()
    assert not set(first) & set(second)


def test_explicit_ids_are_kept_for_redeliveries() -> None:
    command = slash_command("/help", response_url="http://x", trigger_id="1.2.same")
    assert command["trigger_id"] == "1.2.same"
    click = block_actions("a", value="v", response_url="http://x", trigger_id="9.9.same")
    assert click["trigger_id"] == "9.9.same"
    assert event_callback({"type": "app_mention"}, event_id="Ev0SAME")["event_id"] == "Ev0SAME"


def test_default_ids_look_like_slacks() -> None:
    trigger = slash_command("/help", response_url="http://x")["trigger_id"]
    assert re.fullmatch(r"\d+\.\d+\.[0-9a-f]{32}", trigger)
    assert re.fullmatch(r"Ev[0-9A-F]{32}", event_callback({"type": "x"})["event_id"])
