"""Block Kit for a `Reply`: a pure function, within every limit Slack enforces.

Slack rejects a whole message when one limit is passed (50 blocks, 3000 characters in a section,
10 fields per section, 75 characters per button label, 2000 per context element, roughly 13k
characters in all). The renderer never fails: it cuts, and says so with a visible
"… and N more". Essential parts (title, the main text, warnings, the buttons, the footer) are
placed first with caps small enough to always fit; the body fills what is left, in order.

Buttons carry ids only: the action says what a click does and the value names the stored
interaction (see `_interactions.py`), never a payload.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from supportbot.core import wording as core_messages
from supportbot.core.reply import Choice, Reply, Section

from . import wording as messages
from ._layout import (
    Budget,
    Piece,
    context_block,
    fit_blocks,
    fixed_piece,
    group_lines,
    mrkdwn,
    overflow_piece,
    plain,
    section_block,
)
from ._text import LIMITS, escape, fit, slack_len

__all__ = [
    "ACTION_BUTTON",
    "ACTION_CHOICE",
    "ACTION_ESCALATE",
    "ACTION_PREFIX",
    "ACTION_SHARE",
    "Interactive",
    "SlackMessage",
    "button_value",
    "parse_button_value",
    "render_reply",
]

ACTION_PREFIX = "supportbot."
#: A pick-list entry; buttons are `supportbot.choice.<n>`, the select is `supportbot.choice`.
ACTION_CHOICE = "supportbot.choice"
#: One of the reply's own buttons (confirm, cancel, ...): `supportbot.button.<n>`.
ACTION_BUTTON = "supportbot.button"
ACTION_SHARE = "supportbot.share"
ACTION_ESCALATE = "supportbot.escalate"

WARNING_MARK = "⚠️"
#: Pick-lists this long or shorter get one row and button per entry; longer ones a select menu.
CHOICE_ROWS = 8
#: A pick-list this short, of labels this short and no descriptions (a 1-5 rating), is one row
#: of buttons that carry the labels themselves.
CHOICE_BUTTONS = 5
CHOICE_BUTTON_LABEL = 24
#: Entries of the select menu at most; the rest are counted in "… and N more".
CHOICE_OPTIONS = 25
# Caps for the essential parts, small enough that all of them together always fit.
TEXT_CAP = 3000
WARNING_CAP = 200
WARNINGS_SHOWN = 5
BUTTONS_SHOWN = 10
USAGE_CAP = 600
FOOTER_CAP = 300
CHOICE_LABEL_CAP = 100
CHOICE_DESCRIPTION_CAP = 100


@dataclass(frozen=True)
class Interactive:
    """Makes a rendered reply clickable: the stored interaction its buttons name, and extras."""

    interaction_id: str
    share: bool = False
    escalate: bool = False


@dataclass(frozen=True)
class SlackMessage:
    """A message as Slack takes it: fallback `text` (notifications) and `blocks`."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        """The JSON body parts shared by chat.postMessage, chat.update and response_url."""
        return {"text": self.text, "blocks": self.blocks}


def button_value(interaction_id: str, index: int | None = None) -> str:
    """The value of a button: the interaction id, and the entry it stands for."""
    return interaction_id if index is None else f"{interaction_id}.{index}"


def parse_button_value(value: str) -> tuple[str, int | None]:
    """(interaction id, entry index or None) from a button or option value."""
    head, dot, tail = value.rpartition(".")
    # ASCII digits only: `int` also reads "٣" and `isdigit` says yes to "²", which it cannot.
    if dot and tail.isascii() and tail.isdigit() and len(tail) <= 6:
        return head, int(tail)
    return value, None


# --- block builders ----------------------------------------------------------------------------


def _plain_fit(text: str, limit: int) -> str:
    flat = " ".join(text.split()) or "—"
    return fit(flat, limit, markup=False)


def _button(label: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": plain(_plain_fit(label, LIMITS.button_label)),
        "action_id": action_id,
        "value": value,
    }
    if style in ("primary", "danger"):
        button["style"] = style
    return button


# --- pieces: blocks that may be shown in part --------------------------------------------------


def _raw_lines(text: str) -> list[str]:
    return text.strip("\n").splitlines()


def _line(limit: int, *, data: bool = False) -> Callable[[str], str]:
    """A line of wording (`data=False`: the bot's own, whose backticks are meant) or of service
    data (its `*`, `_`, `~` and backticks shown as they are)."""
    return lambda raw: fit(raw, limit, data=data) if raw.strip() else ""


def _bold(text: str, limit: int = 200) -> str:
    flat = " ".join(text[: limit * 4].split())
    return f"*{fit(flat, limit, data=True)}*" if flat else ""


def _field_text(label: str, value: str) -> str:
    head = _bold(label, 200)
    room = LIMITS.field_text - slack_len(head) - 1
    shown = fit(value, room, data=True) if value.strip() else "—"
    return f"{head}\n{shown}" if head else shown


def _section_rows(section: Section) -> int:
    text_rows = len(_raw_lines(section.text)) if section.text and section.text.strip() else 0
    return len(section.fields) + text_rows + len(section.items) or 1


def _section_pieces(section: Section, budget: Budget) -> list[Piece]:
    if budget.spent:
        return [overflow_piece(_section_rows(section))]
    title = _bold(section.title) if section.title else None
    pieces: list[Piece] = []
    limit = LIMITS.section_text - 250  # room for the title on the first block
    if section.fields:
        per = LIMITS.fields_per_section
        for start in range(0, len(section.fields), per):
            if budget.spent:
                pieces.append(overflow_piece(len(section.fields) - start))
                break
            group = [
                budget.take(_field_text(f.label, f.value))
                for f in section.fields[start : start + per]
            ]
            pieces.append(_fields_piece(title if start == 0 else None, group))
        title = None
    if section.text and section.text.strip():
        lines = _raw_lines(section.text)
        pieces += group_lines(title, lines, limit, budget, _line(limit, data=True))
        title = None
    if section.items:
        bullet = _line(limit - 2, data=True)
        pieces += group_lines(title, section.items, limit, budget, lambda raw: "• " + bullet(raw))
        title = None
    if title:
        pieces.append(fixed_piece(section_block(title)))
    return pieces


def _fields_piece(title: str | None, texts: list[str]) -> Piece:
    def build(count: int) -> dict[str, Any]:
        block: dict[str, Any] = {"type": "section", "fields": [mrkdwn(t) for t in texts[:count]]}
        if title:
            block["text"] = mrkdwn(title)
        return block

    return Piece(build, rows=len(texts))


# --- the essential parts -----------------------------------------------------------------------


def _choice_line(choice: Choice, *, with_command: bool) -> str:
    label = _bold(choice.label, CHOICE_LABEL_CAP)
    parts = [label]
    if choice.description:
        description = " ".join(choice.description.split())
        parts.append(fit(description, CHOICE_DESCRIPTION_CAP, data=True))
    if with_command:
        parts.append(f"`{fit(choice.command, 200)}`")
    return " — ".join(part for part in parts if part) or "—"


def _choice_list(choices: list[Choice], budget: Budget) -> list[Piece]:
    """Nothing to click: list what to type instead (ordinary body content)."""
    return group_lines(
        None,
        choices,
        LIMITS.section_text,
        budget,
        lambda choice: _choice_line(choice, with_command=True),
    )


def _choice_pieces(choices: list[Choice], interactive: Interactive) -> list[Piece]:
    if not choices:
        return []
    iid = interactive.interaction_id
    if len(choices) <= CHOICE_BUTTONS and all(
        not c.description and len(c.label) <= CHOICE_BUTTON_LABEL for c in choices
    ):
        elements = [
            _button(choice.label, f"{ACTION_CHOICE}.{index}", button_value(iid, index))
            for index, choice in enumerate(choices)
        ]
        return [fixed_piece({"type": "actions", "elements": elements}, essential=True)]
    if len(choices) <= CHOICE_ROWS:
        return [
            fixed_piece(
                {
                    "type": "section",
                    "text": mrkdwn(_choice_line(choice, with_command=False)),
                    "accessory": _button(
                        messages.slack_pick_label(),
                        f"{ACTION_CHOICE}.{index}",
                        button_value(iid, index),
                    ),
                },
                essential=True,
            )
            for index, choice in enumerate(choices)
        ]
    options = [
        {
            "text": plain(_plain_fit(_option_label(choice), LIMITS.option_label)),
            "value": button_value(iid, index),
        }
        for index, choice in enumerate(choices[:CHOICE_OPTIONS])
    ]
    select = {
        "type": "static_select",
        "action_id": ACTION_CHOICE,
        "placeholder": plain(_plain_fit(messages.slack_choose_placeholder(), 150)),
        "options": options,
    }
    pieces = [fixed_piece({"type": "actions", "elements": [select]}, essential=True)]
    hidden = len(choices) - len(options)
    if hidden > 0:
        pieces.append(
            fixed_piece(context_block([messages.slack_truncated(hidden)]), essential=True)
        )
    return pieces


def _option_label(choice: Choice) -> str:
    if choice.description:
        return f"{choice.label} — {choice.description}"
    return choice.label


def _button_piece(reply: Reply, interactive: Interactive | None) -> Piece | None:
    if interactive is None:
        return None
    iid = interactive.interaction_id
    elements = [
        _button(button.label, f"{ACTION_BUTTON}.{index}", button_value(iid, index), button.style)
        for index, button in enumerate(reply.buttons[:BUTTONS_SHOWN])
    ]
    if interactive.share:
        elements.append(_button(messages.slack_share_label(), ACTION_SHARE, button_value(iid)))
    if interactive.escalate:
        elements.append(
            _button(messages.slack_escalate_label(), ACTION_ESCALATE, button_value(iid), "danger")
        )
    elements = elements[: LIMITS.actions_elements]
    if not elements:
        return None
    return fixed_piece({"type": "actions", "elements": elements}, essential=True)


def _warning_piece(reply: Reply) -> Piece | None:
    if not reply.warnings:
        return None
    texts = [f"{WARNING_MARK} {fit(w.text, WARNING_CAP)}" for w in reply.warnings[:WARNINGS_SHOWN]]
    hidden = len(reply.warnings) - len(texts)
    if hidden > 0:
        texts.append(messages.slack_truncated(hidden))
    return fixed_piece(context_block(texts), essential=True)


def _usage_piece(reply: Reply) -> Piece | None:
    if not (reply.usage or reply.example):
        return None
    usage = f"`{fit(reply.usage, 250)}`" if reply.usage else None
    example = f"`{fit(reply.example, 250)}`" if reply.example else None
    return fixed_piece(
        section_block(fit(core_messages.usage_hint(usage, example), USAGE_CAP, markup=False)),
        essential=True,
    )


# --- assembling within the limits --------------------------------------------------------------


def render_reply(reply: Reply, interactive: Interactive | None = None) -> SlackMessage:
    """The Block Kit message for `reply`; clickable when `interactive` names its stored state."""
    head: list[Piece] = []
    if reply.title and reply.title.strip():
        head.append(
            fixed_piece(
                {"type": "header", "text": plain(_plain_fit(reply.title, LIMITS.header_text))},
                essential=True,
            )
        )
    body: list[Piece] = []
    budget = Budget()
    if reply.text and reply.text.strip():
        text_pieces = group_lines(None, _raw_lines(reply.text), TEXT_CAP, budget, _line(TEXT_CAP))
        text_pieces[0].essential = True
        body += text_pieces
    for section in reply.sections:
        body += _section_pieces(section, budget)
    if interactive is None:
        body += _choice_list(reply.choices, budget)
    tail: list[Piece] = []
    for piece in (_usage_piece(reply),):
        if piece is not None:
            tail.append(piece)
    if interactive is not None:
        tail += _choice_pieces(reply.choices, interactive)
    for maybe in (_warning_piece(reply), _button_piece(reply, interactive)):
        if maybe is not None:
            tail.append(maybe)
    if reply.footer and reply.footer.strip():
        tail.append(fixed_piece(context_block([fit(reply.footer, FOOTER_CAP)]), essential=True))
    blocks = fit_blocks(head, body, tail)
    if not blocks:
        blocks = [section_block(escape(messages.slack_empty_reply()))]
    return SlackMessage(text=_fallback_text(reply), blocks=blocks)


def _fallback_text(reply: Reply) -> str:
    for candidate in (reply.title, reply.text, reply.warnings[0].text if reply.warnings else None):
        if candidate and candidate.strip():
            return fit(" ".join(candidate.split()), LIMITS.fallback_text)
    return escape(messages.slack_empty_reply())
