"""Every Block Kit payload the renderer makes is one Slack accepts, however big the reply."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block

from supportbot import Button, Choice, Field, Outcome, Reply, Section, ServiceWarning
from supportbot.slack import Interactive, render_reply
from supportbot.slack._blocks import (
    ACTION_BUTTON,
    ACTION_CHOICE,
    ACTION_ESCALATE,
    ACTION_SHARE,
    parse_button_value,
)
from supportbot.slack._text import LIMITS, json_size, slack_len
from supportbot.slack.testing import message_problem

NOTICE = re.compile(r"… and ([\d,]+) more not shown")


def assert_valid(message: Any) -> None:
    """What Slack checks: slack_sdk's model validation, and the limits it does not check."""
    payload = message.payload()
    assert message_problem(payload) is None, message_problem(payload)
    blocks = payload["blocks"]
    assert 1 <= len(blocks) <= LIMITS.blocks
    assert json_size(blocks) <= LIMITS.blocks_json
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.validate_json()
        assert parsed.to_dict() == block
        if block["type"] == "section":
            assert len(block.get("fields", [])) <= LIMITS.fields_per_section
            if "text" in block:
                assert 1 <= slack_len(block["text"]["text"]) <= LIMITS.section_text
            for item in block.get("fields", []):
                assert 1 <= slack_len(item["text"]) <= LIMITS.field_text
        if block["type"] == "context":
            for element in block["elements"]:
                assert 1 <= slack_len(element["text"]) <= LIMITS.context_text
        if block["type"] == "actions":
            for element in block["elements"]:
                if element["type"] == "button":
                    assert slack_len(element["text"]["text"]) <= LIMITS.button_label
                    assert len(element["value"]) <= 40  # an id, never a payload
    assert 1 <= slack_len(payload["text"]) <= LIMITS.fallback_text


def notice_count(message: Any) -> int | None:
    for block in message.blocks:
        for element in block.get("elements", []):
            found = NOTICE.search(element.get("text", ""))
            if found:
                return int(found.group(1).replace(",", ""))
    return None


def merchant_card() -> Reply:
    reply = Reply(title="Toko Sinar Jaya · M-10001", text="🟢 active", footer="Merchant M-10001")
    merchant = reply.section("Merchant", source="merchants")
    merchant.fields += [
        Field(label="Owner", value="Budi Santoso"),
        Field(label="Phone", value="0812-3456-7890", personal=True),
        Field(label="Email", value="sinar@example.id", personal=True),
    ]
    reply.section("Devices (2)", source="devices").items += ["EDC-1 online", "EDC-2 offline"]
    reply.warnings.append(
        ServiceWarning(service="billing", kind="timeout", text="billing did not answer in 3 s")
    )
    return reply


def test_a_merchant_card_has_a_header_fields_items_warning_and_footer() -> None:
    message = render_reply(merchant_card())
    assert_valid(message)
    kinds = [block["type"] for block in message.blocks]
    assert kinds == ["header", "section", "section", "section", "context", "context"]
    fields = [f["text"] for f in message.blocks[2]["fields"]]
    assert fields[0] == "*Owner*\nBudi Santoso"
    assert message.blocks[2]["text"]["text"] == "*Merchant*"
    assert "⚠️ billing did not answer in 3 s" in message.blocks[4]["elements"][0]["text"]
    assert message.text == "Toko Sinar Jaya · M-10001"


def test_user_data_is_escaped_so_it_cannot_ping_or_link() -> None:
    message = render_reply(Reply(text="<!channel> & <@U123> <http://evil|click>"))
    text = message.blocks[0]["text"]["text"]
    assert "<" not in text and ">" not in text
    assert text.startswith("&lt;!channel&gt; &amp; &lt;@U123&gt;")


def test_hundreds_of_rows_are_cut_with_an_exact_count_of_what_is_hidden() -> None:
    items = [f"TX-{n:05d}  Rp 150.000  settled  QRIS  2024-05-0{n % 9 + 1}" for n in range(800)]
    reply = Reply(title="Transactions", sections=[Section(title="All", items=items)])
    message = render_reply(reply)
    assert_valid(message)
    shown = sum(
        block["text"]["text"].count("• ") for block in message.blocks if block["type"] == "section"
    )
    hidden = notice_count(message)
    assert hidden is not None and shown + hidden == 800
    assert shown > 50  # the budget is used, not given up on


def test_more_than_ten_fields_go_to_further_sections() -> None:
    fields = [Field(label=f"Field {n}", value=str(n)) for n in range(23)]
    message = render_reply(Reply(sections=[Section(title="Many", fields=fields)]))
    assert_valid(message)
    counts = [len(block.get("fields", [])) for block in message.blocks]
    assert counts == [10, 10, 3]


def test_a_huge_unicode_value_is_cut_with_how_much_was_left_out() -> None:
    value = "ñ😀" * 20_000
    message = render_reply(Reply(sections=[Section(fields=[Field(label="Notes", value=value)])]))
    assert_valid(message)
    text = message.blocks[0]["fields"][0]["text"]
    assert re.search(r"… and [\d,]+ more characters$", text)


def test_choices_become_pick_buttons_whose_values_are_ids() -> None:
    reply = Reply(
        title="2 merchants match 0812-3456-7890",
        choices=[
            Choice(label="Toko A (M-1)", command="/merchant M-1", description="Jakarta"),
            Choice(label="Toko B (M-2)", command="/merchant M-2"),
        ],
    )
    message = render_reply(reply, Interactive("Zx81abc"))
    assert_valid(message)
    accessories = [b["accessory"] for b in message.blocks if "accessory" in b]
    assert [a["action_id"] for a in accessories] == [f"{ACTION_CHOICE}.0", f"{ACTION_CHOICE}.1"]
    assert [parse_button_value(a["value"]) for a in accessories] == [("Zx81abc", 0), ("Zx81abc", 1)]
    assert "/merchant" not in str(accessories)


def test_a_few_short_picks_without_descriptions_are_one_row_of_labelled_buttons() -> None:
    ratings = [Choice(label=f"{n} stars", command=f"/csat I-7K3QX2 {n}") for n in range(1, 6)]
    message = render_reply(Reply(text="Closed.", choices=ratings), Interactive("Zx81abc"))
    assert_valid(message)
    [row] = [b for b in message.blocks if b["type"] == "actions"]
    assert [e["text"]["text"] for e in row["elements"]] == [f"{n} stars" for n in range(1, 6)]
    assert [e["action_id"] for e in row["elements"]] == [f"{ACTION_CHOICE}.{n}" for n in range(5)]
    assert "/csat" not in str(row)
    # One description, or a sixth pick, and each gets its own line and Pick button again.
    described = [*ratings[:4], Choice(label="5", command="/csat I-7K3QX2 5", description="great")]
    for choices in (described, [*ratings, Choice(label="6", command="/x")]):
        blocks = render_reply(Reply(choices=choices), Interactive("Zx81abc")).blocks
        assert sum("accessory" in b for b in blocks) == len(choices)


def test_a_long_pick_list_becomes_a_menu_and_says_how_many_are_left_out() -> None:
    choices = [Choice(label=f"Toko {n} (M-{n})", command=f"/merchant M-{n}") for n in range(60)]
    message = render_reply(Reply(choices=choices), Interactive("id1"))
    assert_valid(message)
    menus = [e for b in message.blocks if b["type"] == "actions" for e in b["elements"]]
    assert menus[0]["type"] == "static_select" and len(menus[0]["options"]) == 25
    assert notice_count(message) == 35


def test_without_interaction_state_choices_say_what_to_type() -> None:
    message = render_reply(Reply(choices=[Choice(label="Toko A", command="/merchant M-1")]))
    assert_valid(message)
    assert "`/merchant M-1`" in message.blocks[0]["text"]["text"]
    assert all(block["type"] != "actions" for block in message.blocks)


def test_confirm_share_and_escalate_buttons() -> None:
    reply = Reply(
        text="Resend the receipt for TX-1042?",
        outcome=Outcome.PENDING,
        buttons=[
            Button(label="Confirm", action="confirm", value="tok123", style="primary"),
            Button(label="Cancel", action="cancel", value="tok123"),
        ],
    )
    message = render_reply(reply, Interactive("st1", share=True, escalate=True))
    assert_valid(message)
    buttons = message.blocks[-1]["elements"]
    assert [b["action_id"] for b in buttons] == [
        f"{ACTION_BUTTON}.0",
        f"{ACTION_BUTTON}.1",
        ACTION_SHARE,
        ACTION_ESCALATE,
    ]
    assert buttons[0]["style"] == "primary" and "style" not in buttons[1]
    assert [b["value"] for b in buttons] == ["st1.0", "st1.1", "st1", "st1"]


def test_an_empty_reply_still_says_something() -> None:
    message = render_reply(Reply())
    assert_valid(message)


def test_usage_and_example_are_shown_as_code() -> None:
    message = render_reply(
        Reply(
            text="<who> is missing.",
            outcome=Outcome.REJECTED,
            usage="/merchant <who>",
            example="/merchant 0812-3456-7890",
        )
    )
    assert_valid(message)
    assert "`/merchant &lt;who&gt;`" in message.blocks[1]["text"]["text"]


# --- generated replies ---------------------------------------------------------------------

short_text = st.text(max_size=40)
long_text = st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=12), st.integers(1, 3000))
any_text = st.one_of(short_text, short_text, long_text)


def many(strategy: st.SearchStrategy[Any], most: int) -> st.SearchStrategy[list[Any]]:
    """A few generated values, or one value repeated up to `most` times (hundreds of rows)."""
    return st.one_of(
        st.lists(strategy, max_size=6),
        st.builds(lambda item, n: [item] * n, strategy, st.integers(0, most)),
    )


fields = st.builds(Field, label=any_text, value=any_text, personal=st.booleans())
sections = st.builds(
    Section,
    title=st.none() | any_text,
    fields=many(fields, 120),
    text=st.none() | any_text,
    items=many(any_text, 600),
)
warnings_ = st.builds(ServiceWarning, service=short_text, kind=short_text, text=any_text)
choices = st.builds(Choice, label=any_text, command=any_text, description=st.none() | any_text)
buttons = st.builds(
    Button,
    label=any_text,
    action=st.sampled_from(["confirm", "cancel", "escalate"]),
    value=st.text(min_size=1, max_size=20),
    style=st.sampled_from([None, "primary", "danger", "weird"]),
)
replies = st.builds(
    Reply,
    title=st.none() | any_text,
    text=st.none() | any_text,
    sections=many(sections, 40),
    warnings=many(warnings_, 30),
    choices=many(choices, 150),
    buttons=st.lists(buttons, max_size=30),
    footer=st.none() | any_text,
    outcome=st.sampled_from(list(Outcome)),
    usage=st.none() | any_text,
    example=st.none() | any_text,
)
interactives = st.none() | st.builds(
    Interactive,
    interaction_id=st.text(
        alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=16, max_size=16
    ),
    share=st.booleans(),
    escalate=st.booleans(),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reply=replies, interactive=interactives)
def test_every_generated_reply_renders_to_blocks_slack_accepts(
    reply: Reply, interactive: Interactive | None
) -> None:
    message = render_reply(reply, interactive)
    assert_valid(message)
    if interactive is not None and (reply.buttons or interactive.share or interactive.escalate):
        assert any(block["type"] == "actions" for block in message.blocks)
