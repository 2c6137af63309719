"""The instant acknowledgement of a slash command says what is really happening.

Text the core turns down at once (an unknown command, bad arguments, `--help`) is answered in
the ack itself with the core's own reply; a lookup is acked "Looking up …", an action
"Preparing …". Whatever is echoed is masked, on one line, free of control characters and markup,
and short.
"""

from __future__ import annotations

import asyncio
import json
import unicodedata
from typing import Any

import pytest

from supportbot.slack import SlackAdapter, render_reply
from supportbot.slack import _ack as slack_ack
from supportbot.slack._text import slack_len
from supportbot.slack.testing import FakeSlack, SlackSender, message_problem
from supportbot.testing import BotTester

#: The ack's share of Slack's 3 s: the budget for an answer in it, plus room for the machine.
ACK_WELL_UNDER_S = slack_ack.ANSWER_IN_ACK_S + 0.5


async def send(
    slack: FakeSlack, sender: SlackSender, command: str, text: str
) -> tuple[str, dict[str, Any], float]:
    url = slack.new_response_url()
    sent = await sender.command(command, text, response_url=url)
    assert sent.status == 200
    return url, sent.json(), sent.elapsed_s


async def core_answer(tester: BotTester, line: str) -> dict[str, Any]:
    """What the core answers to `line`, rendered for Slack: what the ack must hold."""
    return render_reply(await tester.run(line)).payload()


@pytest.mark.parametrize(
    ("command", "text", "expected"),
    [
        ("/merchant", "0812", "not a valid phone number"),
        ("/merchant", "", "<phone|email|merchant id>"),
        ("/merchant", "   ", "<phone|email|merchant id>"),
        ("/nosuch", "x", "There is no command /nosuch"),
        ("/transaction", "TX-1042 extra words", "TX-1042"),
        ("/merchant", "--help", "/merchant"),
        ("/resend-receipt", "TX-1042 --bogus", "--bogus"),
    ],
)
async def test_what_the_core_turns_down_is_answered_in_the_ack_with_its_own_reply(
    slack: FakeSlack,
    sender: SlackSender,
    adapter: SlackAdapter,
    tester: BotTester,
    command: str,
    text: str,
    expected: str,
) -> None:
    url, ack, elapsed = await send(slack, sender, command, text)
    assert elapsed < ACK_WELL_UNDER_S
    assert not ack["text"].startswith(("Looking up", "Preparing", "Checking"))
    line = f"{command} {text}".strip()
    # The core's reply as Slack shows it; a help answer also gets its Share button.
    shown = [block for block in ack["blocks"] if block["type"] != "actions"]
    assert {"text": ack["text"], "blocks": shown} == await core_answer(tester, line)
    assert expected in json.dumps(ack, ensure_ascii=False).replace("&lt;", "<").replace("&gt;", ">")
    assert ack["response_type"] == "ephemeral"
    assert message_problem(ack) is None
    await adapter.drain(10)
    assert slack.responses_to(url) == []  # the ack was the answer: nothing follows


async def test_an_action_is_acked_as_being_prepared_then_asks_to_confirm(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    url, ack, elapsed = await send(slack, sender, "/resend-receipt", "TX-1042")
    assert ack["text"] == "Preparing /resend-receipt TX-1042…"
    assert elapsed < ACK_WELL_UNDER_S
    await adapter.drain(10)
    [question] = slack.responses_to(url)
    assert question.body["replace_original"] is False
    assert "Resend the receipt for TX-1042" in json.dumps(question.body, ensure_ascii=False)


async def test_a_lookup_by_alias_is_acked_as_typed_and_answered(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    url, ack, _ = await send(slack, sender, "/m", "0812-3456-7890")
    assert ack["text"] == "Looking up /m 0812-••••-7890…"
    await adapter.drain(10)
    assert "Toko Sinar Jaya" in json.dumps(slack.responses_to(url)[0].body, ensure_ascii=False)


async def test_when_the_answer_is_slow_the_ack_says_checking_and_the_answer_follows(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, monkeypatch: pytest.MonkeyPatch
) -> None:
    resolve = adapter.users.resolve

    async def slow_resolve(user_id: str, **hints: Any) -> Any:
        await asyncio.sleep(slack_ack.ANSWER_IN_ACK_S + 0.3)  # users.info taking its time
        return await resolve(user_id, **hints)

    monkeypatch.setattr(adapter.users, "resolve", slow_resolve)
    url, ack, elapsed = await send(slack, sender, "/nosuch", "x")
    assert ack["text"] == "Checking /nosuch x…"
    assert slack_ack.ANSWER_IN_ACK_S <= elapsed < ACK_WELL_UNDER_S
    await adapter.drain(10)
    [answer] = slack.responses_to(url)
    assert answer.body["replace_original"] is False  # its own message, under "Checking …"
    assert "There is no command /nosuch" in json.dumps(answer.body)


async def test_a_burst_of_mistakes_is_acked_well_inside_slacks_three_seconds(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    mistakes = [("/merchant", "0812"), ("/nosuch", "x"), ("/merchant", "--help")] * 10
    sent = await asyncio.gather(*(send(slack, sender, c, t) for c, t in mistakes))
    assert max(elapsed for _, _, elapsed in sent) < ACK_WELL_UNDER_S
    await adapter.drain(10)
    # Each answered once: in the ack, or (past the budget) at its response_url.
    for url, ack, _ in sent:
        later = slack.responses_to(url)
        assert len(later) == (1 if ack["text"].startswith("Checking") else 0)


HOSTILE = [
    pytest.param("\x1b[31mred\x1b[0m\x07\x00bell", "red[0mbell", id="control-characters"),
    pytest.param("\u202egnp.exe\u200b\ufeff\U000e0041", "gnp.exe", id="invisible-and-bidi"),
    pytest.param("line one\nline two\r\n\tthree", "line one line two three", id="newlines"),
    pytest.param("<!channel> <@U0OTHER> &", "&lt;!channel&gt; &lt;@U0OTHER&gt; &amp;", id="markup"),
    pytest.param("call 0812-3456-7890 now", "0812-••••-7890", id="personal-data"),
    pytest.param("Pelanggan bilang “dobel” — 二重請求 👩‍💻", "二重請求 👩‍💻", id="unicode"),
]


def assert_safe_echo(ack_text: str) -> None:
    assert "\n" not in ack_text and "\t" not in ack_text
    hidden = [
        c for c in ack_text if unicodedata.category(c) in ("Cc", "Cs", "Cf") and c != "\u200d"
    ]
    assert hidden == []
    assert "<" not in ack_text and ">" not in ack_text
    assert slack_len(ack_text) <= slack_ack.ECHO_LIMIT + len("Preparing …")


@pytest.mark.parametrize(("typed", "shown"), HOSTILE)
async def test_hostile_text_is_echoed_masked_on_one_line_without_markup_or_controls(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, typed: str, shown: str
) -> None:
    # A refund's reason is free text, so all of it reaches the ack (roles are checked later).
    _, ack, elapsed = await send(slack, sender, "/refund", f"TX-1042 1000 {typed}")
    assert elapsed < ACK_WELL_UNDER_S
    assert ack["text"].startswith("Preparing /refund TX-1042 1000 ")
    assert shown in ack["text"]
    assert_safe_echo(ack["text"])
    assert "0812-3456-7890" not in ack["text"]
    await adapter.drain(10)


@pytest.mark.parametrize(
    "typed",
    ["😀" * 3000, "x" * 3900, "🏴‍☠️ " * 700, "0812-3456-7890 " * 250],
    ids=["3000-emoji", "3900-letters", "700-flags", "250-phones"],
)
async def test_huge_text_is_cut_to_a_sane_length(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter, typed: str
) -> None:
    _, ack, elapsed = await send(slack, sender, "/refund", f"TX-1042 1000 {typed}")
    assert elapsed < ACK_WELL_UNDER_S
    assert ack["text"].startswith("Preparing /refund TX-1042 1000 ")
    assert ack["text"].endswith("……")  # the cut, then the message's own ellipsis
    assert_safe_echo(ack["text"])
    assert "3456" not in ack["text"]  # every number masked, also the one at the cut
    await adapter.drain(10)


async def test_huge_bad_arguments_get_the_core_reply_within_slacks_limits(
    slack: FakeSlack, sender: SlackSender, adapter: SlackAdapter
) -> None:
    _, ack, elapsed = await send(slack, sender, "/merchant", "😀" * 3000)
    assert elapsed < ACK_WELL_UNDER_S
    assert "not a phone number, email or merchant id" in ack["text"]
    assert message_problem(ack) is None
    assert "😀" * 100 not in json.dumps(ack, ensure_ascii=False)
