"""What real Slack refuses in a message body, as the fake checks it (see `_fake_slack.py`)."""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block

__all__ = ["MAX_BLOCK_TEXT", "blocks_problem", "message_problem"]

#: Where this fake draws the line for `msg_blocks_too_long` (Slack: ~13.2k characters of text).
MAX_BLOCK_TEXT = 13_000
MAX_TEXT_FIELD = {"section_field": 2000, "context": 2000}


def _texts(value: Any, parent: str = "") -> list[tuple[str, str]]:
    """(where, text) of every text object in a block tree."""
    found: list[tuple[str, str]] = []
    if isinstance(value, dict):
        if value.get("type") in ("mrkdwn", "plain_text") and "text" in value:
            found.append((parent, str(value["text"])))
        for key, item in value.items():
            kind = str(value.get("type", ""))
            found += _texts(item, f"{kind}.{key}" if kind else key)
    elif isinstance(value, list):
        for item in value:
            found += _texts(item, parent)
    return found


def message_problem(body: Mapping[str, Any]) -> str | None:
    """The error Slack would answer for this message body, or None when it would take it."""
    blocks = body.get("blocks")
    if isinstance(blocks, str):
        try:
            blocks = json.loads(blocks)
        except ValueError:
            return "invalid_blocks_format"
    text = body.get("text")
    if not blocks:
        return None if text else "no_text"
    if not isinstance(blocks, list) or len(blocks) > 50:
        return "invalid_blocks"
    problem = blocks_problem(blocks)
    if problem is not None:
        return problem
    if sum(len(value) for _, value in _texts(blocks)) > MAX_BLOCK_TEXT:
        return "msg_blocks_too_long"
    return None


def blocks_problem(blocks: list[Any]) -> str | None:
    """`invalid_blocks` when one of `blocks` is not a block Slack takes (unknown keys, texts
    too long or empty, the wrong elements), else None. The count is the caller's to check."""
    for block in blocks:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # an unknown key is an error here
                parsed = Block.parse(block)
                if parsed is None:
                    return "invalid_blocks"
                parsed.to_dict()  # validates the block and everything in it
        except (SlackObjectFormationError, UserWarning, TypeError, KeyError):
            return "invalid_blocks"
    texts = _texts(blocks)
    for where, value in texts:
        if not value.strip():
            return "invalid_blocks"
        if where.endswith("section.fields") and len(value) > MAX_TEXT_FIELD["section_field"]:
            return "invalid_blocks"
        if where.endswith("context.elements") and len(value) > MAX_TEXT_FIELD["context"]:
            return "invalid_blocks"
    return None
