"""A shared answer shows the channel what it needs, with personal data masked."""

from __future__ import annotations

from supportbot import Button, Choice, Field, Reply, Section
from supportbot.slack import shareable
from supportbot.slack._share import HIDDEN


def test_personal_fields_and_free_text_are_masked_and_buttons_dropped() -> None:
    reply = Reply(
        title="Toko Sinar Jaya · M-10001",
        text="Owner asked from 0812-3456-7890",
        sections=[
            Section(
                title="Merchant",
                fields=[
                    Field(label="Owner", value="Budi"),
                    Field(label="Phone", value="0812-3456-7890", personal=True),
                    Field(label="Email", value="sinar@example.id", personal=True),
                    Field(label="Address", value="Jl. Sudirman 1, Jakarta", personal=True),
                ],
                items=["called from +62 812 3456 7890"],
            )
        ],
        choices=[Choice(label="x", command="/merchant M-1")],
        buttons=[Button(label="Confirm", action="confirm", value="t")],
        footer="Merchant M-10001",
    )
    shared = shareable(reply, region="ID", shared_by="Rina")
    fields = {f.label: f.value for f in shared.sections[0].fields}
    assert fields["Owner"] == "Budi"
    assert fields["Phone"] == "0812-••••-7890"
    assert fields["Email"] == "s•••@example.id"
    assert fields["Address"] == HIDDEN
    assert "3456" not in (shared.text or "")
    assert "3456" not in shared.sections[0].items[0]
    assert shared.buttons == [] and shared.choices == []
    assert shared.footer == "Merchant M-10001 · Shared by Rina · personal data masked"
