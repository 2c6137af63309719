"""Renderers are pure functions of the Reply."""

from __future__ import annotations

import json

from supportbot import Choice, Field, Outcome, Reply, ServiceWarning
from supportbot._render import render_json, render_text


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
