"""A command's declared arguments as a Slack modal, and a submitted modal back as command text.

Pure functions of a `CommandSpec`: any command that declares its arguments (`/refund`,
`/reset-pin`, a plugin's action) gets a form, one input block per argument (a text field, a
multi-line field for the rest of the line, a menu for a fixed list, a checkbox for a switch).
A submission is read with the same argument types the parser uses, so a field is refused for
exactly what the command line would refuse, and the answer names the field (Slack shows it
under that field). What passes becomes the command as one would type it, and runs the normal
path (roles, confirmation, approval, audit)::

    prefill = prefill_of(spec, parse_command("/refund TX-1042"))
    view = command_view(spec, title="/refund", state_id=interaction.id, prefill=prefill)
    text, errors = read_submission(spec, view_state_values, ConvertContext())
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from typing import Any

from supportbot.core import wording as core_messages
from supportbot.core.errors import ArgumentError, UsageError
from supportbot.core.masking import mask_text
from supportbot.core.parsing import (
    MAX_INPUT,
    ConvertContext,
    Param,
    ParsedCommand,
    bind,
    parse_command,
)
from supportbot.core.registry import CommandSpec

from . import wording as messages
from ._text import escape, printable, shorten, strip_hidden

__all__ = [
    "BLOCK_PREFIX",
    "FIELD_ACTION",
    "MODAL_CALLBACK",
    "command_view",
    "missing_arguments",
    "prefill_of",
    "read_submission",
]

#: The callback id of every command modal (the command itself is kept on the server).
MODAL_CALLBACK = "supportbot.command_modal"
#: An argument's input block is `arg.<name>`; its element's action id is `FIELD_ACTION`.
BLOCK_PREFIX = "arg."
FIELD_ACTION = "value"
#: Slack's limits on a modal: title, submit and close labels, placeholder, option text.
TITLE_LIMIT = 24
PLACEHOLDER_LIMIT = 150
LABEL_LIMIT = 2000
OPTION_LIMIT = 75
#: How long a typed field may be: one word, or the rest of the line (the parser's own cap).
WORD_LIMIT = 200
REST_LIMIT = 3000


def _label(param: Param) -> str:
    """`Transaction id`, `Amount`, `Reason`: the type's name unless it is a generic one."""
    name = param.name.strip("_").replace("_", " ") if param.argtype.generic else param.argtype.name
    return name[:1].upper() + name[1:]


def prefill_of(spec: CommandSpec, parsed: ParsedCommand) -> dict[str, str]:
    """What was already typed, by argument: options by name, words in order, the rest as typed.

    Only a starting point for the form (every field is checked again on submit), so nothing
    here refuses anything.
    """
    options = {p.option: p for p in spec.params if p.kind in ("option", "flag")}
    positional = [p for p in spec.params if p.kind in ("positional", "rest")]
    found: dict[str, str] = {}
    tokens = list(parsed.tokens)
    index = 0
    cursor = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        name, has_value, value = token.text.partition("=")
        option = None if token.quoted else options.get(name.lower())
        if option is not None:
            if option.kind == "flag":
                found[option.name] = "true"
            elif has_value:
                found[option.name] = value
            elif index < len(tokens):
                found[option.name] = tokens[index].text
                index += 1
            continue
        if cursor >= len(positional):
            continue
        param = positional[cursor]
        if param.kind == "rest":
            found[param.name] = parsed.raw_args[token.start :].strip()
            break
        found[param.name] = token.text
        cursor += 1
    return found


def missing_arguments(spec: CommandSpec, parsed: ParsedCommand) -> bool:
    """Whether a required argument of `spec` was not typed at all (then a form asks for it)."""
    typed = prefill_of(spec, parsed)
    return any(p.required and not typed.get(p.name, "").strip() for p in spec.params)


def _plain(text: str, limit: int) -> dict[str, Any]:
    shown = shorten(printable(text), limit) or "?"
    return {"type": "plain_text", "text": shown, "emoji": False}


def _element(param: Param, initial: str | None) -> dict[str, Any]:
    argtype = param.argtype
    if param.kind == "flag":
        option = {"text": _plain(param.option, OPTION_LIMIT), "value": "true"}
        element: dict[str, Any] = {"type": "checkboxes", "options": [option]}
        if initial == "true":
            element["initial_options"] = [option]
    elif argtype.choices:
        options = [
            {"text": _plain(choice, OPTION_LIMIT), "value": choice[:150]}
            for choice in argtype.choices[:100]
        ]
        element = {"type": "static_select", "options": options}
        chosen = [o for o in options if o["value"] == (initial or "")]
        if chosen:
            element["initial_option"] = chosen[0]
    else:
        rest = param.kind == "rest"
        element = {
            "type": "plain_text_input",
            "multiline": rest,
            "max_length": REST_LIMIT if rest else WORD_LIMIT,
        }
        if argtype.example:
            element["placeholder"] = _plain(
                messages.slack_field_placeholder(argtype.example), PLACEHOLDER_LIMIT
            )
        if initial:
            element["initial_value"] = strip_hidden(initial)[: element["max_length"]]
    element["action_id"] = FIELD_ACTION
    return element


def _input_block(spec: CommandSpec, param: Param, initial: str | None) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": BLOCK_PREFIX + param.name,
        "label": _plain(_label(param), LABEL_LIMIT),
        "element": _element(param, initial),
        "optional": not param.required,
    }
    helps = dict(spec.argument_help)
    hint = param.help or helps.get(param.name)
    if hint:
        block["hint"] = _plain(hint, LABEL_LIMIT)
    return block


def command_view(
    spec: CommandSpec,
    *,
    title: str,
    state_id: str,
    prefill: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The modal for `spec` (`title` is its name as typed in Slack, e.g. `/sb-refund`);
    `state_id` names what the server keeps about it, returned in `private_metadata`."""
    typed = dict(prefill or {})
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": escape(spec.help)[:3000] or "?"}}
    ]
    blocks += [_input_block(spec, param, typed.get(param.name)) for param in spec.params[:99]]
    return {
        "type": "modal",
        "callback_id": MODAL_CALLBACK,
        "title": _plain(title, TITLE_LIMIT),
        "submit": _plain(messages.slack_modal_submit(spec.action), TITLE_LIMIT),
        "close": _plain(messages.slack_modal_close(), TITLE_LIMIT),
        "private_metadata": state_id,
        "blocks": blocks,
    }


def _typed(param: Param, state: Mapping[str, Any]) -> str:
    """The raw value of one field from a `view.state.values` mapping ("" when not filled)."""
    field = state.get(BLOCK_PREFIX + param.name)
    value = field.get(FIELD_ACTION) if isinstance(field, Mapping) else None
    if not isinstance(value, Mapping):
        return ""
    if param.kind == "flag":
        chosen = value.get("selected_options")
        return "true" if isinstance(chosen, list) and chosen else ""
    selected = value.get("selected_option")
    if isinstance(selected, Mapping):
        return str(selected.get("value") or "")
    typed = value.get("value")
    return typed if isinstance(typed, str) else ""


def _command_text(spec: CommandSpec, values: Mapping[str, str]) -> str:
    """The command as one would type it: options first, `--`, the words quoted, the rest as
    typed (the parser keeps a rest's text exactly, quotes included)."""
    parts = [f"/{spec.name}"]
    for param in spec.params:
        value = values.get(param.name, "")
        if param.kind == "flag" and value:
            parts.append(param.option)
        elif param.kind == "option" and value:
            parts.append(f"{param.option}={shlex.quote(value)}")
    texts = [values.get(p.name, "") for p in spec.params if p.kind in ("positional", "rest")]
    if any(word[:1] in ("-", "—", "–") for text in texts for word in text.split()):
        parts.append("--")  # a word that looks like an option stays a word
    for param in spec.params:
        value = values.get(param.name, "")
        if param.kind == "positional" and value:
            parts.append(shlex.quote(value))
        elif param.kind == "rest" and value:
            parts.append(value)
    return " ".join(parts)


def read_submission(
    spec: CommandSpec, state: Mapping[str, Any], convert: ConvertContext
) -> tuple[str, dict[str, str]]:
    """(the command text, {}) for a good submission; ("", {block id: what is wrong}) else.

    Every field is checked with its argument type, so all the wrong ones are named at once.
    """
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for param in spec.params:
        raw = " ".join(_typed(param, state).split()) if param.kind != "rest" else ""
        if param.kind == "rest":
            raw = _typed(param, state).strip()
        values[param.name] = raw
        block = BLOCK_PREFIX + param.name
        if not raw:
            if param.required:
                errors[block] = messages.slack_field_missing(_label(param))
            continue
        if len(raw) > (REST_LIMIT if param.kind == "rest" else WORD_LIMIT):
            errors[block] = messages.slack_field_too_long(len(raw), WORD_LIMIT)
            continue
        if param.kind == "flag":
            continue
        try:
            param.argtype.convert(raw, convert)
        except ValueError as exc:
            typed = mask_text(shorten(printable(raw), 60), convert.phone_region)
            errors[block] = core_messages.invalid_argument(_label(param), str(exc), typed)
    if errors:
        return "", errors
    text = _command_text(spec, values)
    problem = _whole_problem(spec, text, convert)
    if problem is not None:
        return "", problem
    return text, {}


def _whole_problem(spec: CommandSpec, text: str, convert: ConvertContext) -> dict[str, str] | None:
    """What the parser says of the whole command (a quote left open in the rest, the length),
    on the field it names, else on the first one."""
    blocks: Sequence[str] = [BLOCK_PREFIX + p.name for p in spec.params]
    if len(text) > MAX_INPUT:
        return {blocks[-1]: messages.slack_field_too_long(len(text), MAX_INPUT)}
    try:
        bind(spec.name, list(spec.params), parse_command(text), convert)
    except ArgumentError as exc:
        where = BLOCK_PREFIX + exc.param if exc.param else blocks[-1]
        return {where: exc.user_message}
    except UsageError as exc:
        return {blocks[-1]: exc.user_message}
    return None
