"""The version of a reply that may be shown to a whole channel: personal data masked.

Lookup results go to the requester only; "Share in channel" posts this instead. Fields marked
`personal` are masked (phone numbers and emails keep a recognisable shape, anything else is
hidden), and every free text goes through `mask_text`, which masks the phone numbers and emails
it finds. Buttons and pick-lists are dropped: a shared card is for reading.
"""

from __future__ import annotations

from .. import _messages as messages
from .._masking import mask_text
from .._reply import Field, Reply, Section

__all__ = ["HIDDEN", "shareable"]

#: What a personal value that is neither a phone number nor an email becomes.
HIDDEN = "•••"


def _masked(text: str | None, region: str) -> str | None:
    return None if text is None else mask_text(text, region)


def _personal(value: str, region: str) -> str:
    masked = mask_text(value, region)
    return masked if masked != value else HIDDEN


def _field(field: Field, region: str) -> Field:
    if field.personal:
        return Field(label=field.label, value=_personal(field.value, region), personal=True)
    return Field(label=field.label, value=mask_text(field.value, region))


def _section(section: Section, region: str) -> Section:
    return Section(
        title=_masked(section.title, region),
        source=section.source,
        fields=[_field(field, region) for field in section.fields],
        text=_masked(section.text, region),
        items=[mask_text(item, region) for item in section.items],
    )


def shareable(reply: Reply, *, region: str, shared_by: str) -> Reply:
    """`reply` with personal data masked, no buttons, and a footer naming who shared it.

    `shared_by` names the person in the footer (their display name: a mention would be escaped).
    """
    footer = messages.slack_shared_by(shared_by)
    if reply.footer:
        footer = f"{mask_text(reply.footer, region)} · {footer}"
    return Reply(
        title=_masked(reply.title, region),
        text=_masked(reply.text, region),
        sections=[_section(section, region) for section in reply.sections],
        warnings=list(reply.warnings),
        footer=footer,
        outcome=reply.outcome,
        error_ref=reply.error_ref,
    )
