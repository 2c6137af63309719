"""Slack payloads become the command lines the core runs."""

from __future__ import annotations

from supportbot.slack._payloads import (
    command_text,
    event_text,
    is_direct_message,
    typed_command_name,
)
from supportbot.slack.testing import app_mention_event, direct_message_event, slash_command


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
