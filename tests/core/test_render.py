"""Renderers are pure functions of the Reply."""

from __future__ import annotations

import json

import pytest

from supportbot import Choice, Field, Outcome, Reply, ServiceWarning
from supportbot.core.render import render_json, render_text


def sample_reply() -> Reply:
    reply = Reply(title="Toko Sinar Jaya · M-10001", text="🟢 active", footer="Merchant M-10001")
    section = reply.section("Merchant", source="merchants")
    section.fields += [Field(label="Owner", value="Budi"), Field(label="City", value="Jakarta")]
    reply.section("Devices").items += ["EDC-1 online", "EDC-2 offline"]
    reply.warnings.append(
        ServiceWarning(service="billing", kind="timeout", text="billing did not answer in 3 s")
    )
    return reply


def test_text_shows_title_fields_items_warnings_and_footer() -> None:
    text = render_text(sample_reply())
    lines = text.splitlines()
    assert lines[0] == "Toko Sinar Jaya · M-10001"
    assert "  Owner  Budi" in lines
    assert "  • EDC-2 offline" in lines
    assert "⚠ billing did not answer in 3 s" in lines
    assert lines[-1] == "Merchant M-10001"


def test_text_numbers_the_choices() -> None:
    reply = Reply(
        title="2 merchants",
        choices=[
            Choice(label="A", command="/merchant M-1"),
            Choice(label="B", command="/merchant M-2"),
        ],
    )
    text = render_text(reply)
    assert "1. A" in text and "/merchant M-2" in text.splitlines()[-1]


def test_text_shows_usage_and_example() -> None:
    text = render_text(
        Reply(outcome=Outcome.REJECTED, text="<who> is missing.", usage="/m <who>", example="/m 1")
    )
    assert text.splitlines()[-2:] == ["Usage:   /m <who>", "Example: /m 1"]


def test_multiline_values_stay_aligned() -> None:
    reply = Reply()
    reply.section().fields.append(Field(label="Address", value="Jl. Satu\nJakarta"))
    assert render_text(reply).splitlines() == ["Address  Jl. Satu", "         Jakarta"]


def test_json_round_trips_the_reply() -> None:
    reply = sample_reply()
    data = json.loads(render_json(reply))
    assert Reply.model_validate(data) == reply
    assert data["outcome"] == "ok"
    assert "🟢" in render_json(reply)  # unicode kept readable


HOSTILE = [
    "\x1b[2J\x1b[H",  # clear the screen, cursor home
    "\x1b[31mred\x1b[0m",  # recolour
    "\x1b]0;owned\x07",  # set the window title
    "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",  # a hidden hyperlink
    "\x9b2J",  # CSI in its one-byte C1 form
    "\x1bP+q\x1b\\",  # a device control string
    "\x1b]52;c;cGF3bmVk",  # an unterminated OSC (clipboard write)
    "Rp 0\rRp 1.000.000",  # a carriage return that would overwrite the line
    "a\x08\x08b\x00\x7f\x85",  # backspace, NUL, DEL, NEL
    "\u202eevil\u202c",  # right-to-left override
    "\x1b",  # a lone ESC at the end
]


def _terminal_safe(text: str) -> bool:
    return all(ch == "\n" or not (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F) for ch in text) and (
        "\u202e" not in text
    )


@pytest.mark.parametrize("hostile", HOSTILE)
def test_no_escape_sequence_or_control_character_reaches_the_terminal(hostile: str) -> None:
    reply = Reply(
        title=f"T{hostile}",
        text=f"text{hostile}",
        footer=f"foot{hostile}",
        usage=f"/u{hostile}",
        example=f"/e{hostile}",
    )
    section = reply.section(f"S{hostile}", source="merchants")
    section.fields.append(Field(label=f"L{hostile}", value=f"v{hostile}"))
    section.items.append(f"i{hostile}")
    section.text = f"p{hostile}"
    reply.choices.append(Choice(label=f"c{hostile}", description=hostile, command=f"/x{hostile}"))
    reply.warnings.append(ServiceWarning(service="billing", kind="http", text=f"w{hostile}"))
    text = render_text(reply)
    assert _terminal_safe(text), repr(text)
    assert "\x1b" not in text and "\x9b" not in text


def test_escape_sequences_are_removed_whole_and_the_readable_text_kept() -> None:
    reply = Reply(title="Toko \x1b[1;31mEmas\x1b[0m 金龙 ☕")
    reply.section().fields.append(
        Field(label="Owner", value="\x1b]8;;https://evil.example\x1b\\Budi\x1b]8;;\x1b\\")
    )
    lines = render_text(reply).splitlines()
    assert lines[0] == "Toko Emas 金龙 ☕"
    assert lines[-1] == "Owner  Budi"


def test_a_carriage_return_cannot_overwrite_a_value() -> None:
    reply = Reply()
    reply.section().fields.append(Field(label="Balance due", value="Rp 0\rRp 1.000.000"))
    # Both parts stay visible, on lines the renderer lays out.
    assert render_text(reply).splitlines() == ["Balance due  Rp 0", "             Rp 1.000.000"]


def test_one_line_parts_never_break_the_layout() -> None:
    reply = Reply(title="A\nB", footer="end")
    reply.section("Devices").items.append("EDC-1\nonline")
    reply.warnings.append(ServiceWarning(service="x", kind="k", text="x\nfailed"))
    lines = render_text(reply).splitlines()
    assert lines[:2] == ["A B", "─" * 3]
    assert "  • EDC-1" in lines and "    online" in lines  # continuation under the item
    assert "⚠ x failed" in lines


def test_a_huge_hostile_value_is_cleaned_quickly() -> None:
    reply = Reply()
    reply.section().items.append("\x1b]" * 50_000 + "x\x1b[31m" * 50_000)
    text = render_text(reply)
    assert _terminal_safe(text) and text.startswith("• ")


def test_json_escapes_control_characters_and_keeps_the_values() -> None:
    reply = Reply(title="x\x1b[31m\x9b2J\x7f\u202e", text="金龙")
    out = render_json(reply)
    assert _terminal_safe(out.replace("\n", "")) and "\x1b" not in out
    assert "\\u009b" in out and "\\u001b" in out
    assert Reply.model_validate(json.loads(out)) == reply
