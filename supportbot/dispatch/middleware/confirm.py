"""Hold action commands until the requester confirms; the confirmed run passes through.

The question and its token are stored by the action desk (`supportbot.actions.desk`), in the
database, so the answer may come after a restart or reach another replica.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from supportbot.actions.desk import ActionDesk
from supportbot.actions.unrecorded import unrecorded
from supportbot.core.masking import mask_text
from supportbot.core.registry import Preview
from supportbot.core.reply import Reply
from supportbot.dispatch.chain import Link, Next, ValidRequest
from supportbot.dispatch.handler import add_service_warnings, as_reply
from supportbot.storage import StorageUnavailable

__all__ = ["confirm_link", "confirm_prompt"]


def _format_values(arguments: Mapping[str, Any]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in arguments.items():
        values[name] = "" if value is None else str(value)
        values[f"{name}_masked"] = str(getattr(value, "masked", values[name]))
    return values


def confirm_prompt(
    template: str | None, command: str, arguments: Mapping[str, Any], extra: Mapping[str, Any]
) -> str:
    """The confirmation question, with the arguments and the preview's values filled in."""
    values = {**_format_values(arguments), **{k: str(v) for k, v in extra.items()}}
    if not template:
        shown = " ".join(v for k, v in values.items() if k.endswith("_masked") and v)
        return f"Run /{command} {shown}?".replace(" ?", "?")
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError):
        return template


def confirm_link(
    desk: ActionDesk, region: str, personal_data_roles: Iterable[str] = ()
) -> Link[ValidRequest]:
    """The link that has `desk` store each action's question, masked as `region` writes
    phone numbers. The requester reads it whole when one of their roles is among
    `personal_data_roles` (or none are set): the agent reads the address back to the customer;
    anyone else, like the privacy link's answers, reads it masked."""
    allowed = frozenset(personal_data_roles)

    async def confirm(request: ValidRequest, call_next: Next[ValidRequest]) -> Reply:
        """For an action not yet confirmed: store the question and ask the user; nothing runs.

        While the database cannot take writes the action is refused at once, before its
        preview calls anything: its question could not be stored anyway."""
        spec = request.spec
        if not spec.action or request.confirmed is not None:
            return await call_next(request)
        problem = desk.recording_problem()
        if problem is not None:
            request.notes.error = problem
            return unrecorded(spec.name, problem)
        extra: Mapping[str, Any] = {}
        asked = spec
        if spec.preview is not None:
            context = request.context
            async with asyncio.timeout_at(context.deadline):
                previewed = await spec.preview(context, **request.arguments)
            if isinstance(previewed, dict):
                extra = previewed
            elif isinstance(previewed, Preview):
                extra = previewed.values
                if previewed.approval is not None:
                    asked = replace(spec, approval=previewed.approval)
            else:
                # The preview found a reason not to ask at all (no such transaction, ...).
                reply = as_reply(previewed)
                add_service_warnings(reply, context)
                return reply
        # The question is stored, and shown in the channel when an approver is asked: masked
        # whole, so free text (a refund's reason) cannot carry a phone number or an email there.
        prompt = confirm_prompt(spec.confirm, spec.name, request.arguments, extra)
        masked = mask_text(prompt, region)
        sees_personal = not allowed or bool(request.roles & allowed)
        try:
            return await desk.ask(
                spec=asked,
                arguments=request.arguments,
                message=request.message,
                prompt=masked,
                shown=prompt if sees_personal else masked,
            )
        except StorageUnavailable as exc:
            request.notes.error = exc
            return unrecorded(spec.name, exc)

    return confirm
